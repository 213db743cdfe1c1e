// The public surface of @fleet/provider-local.
export { type FileLeaderOptions, fileLeader } from './file-leader.js';
export { type ProcessProvider, type ProcessProviderEvents, type ProcessProviderOptions, processProvider } from './process-provider.js';
export { onStopRequest, serveThread } from './serve-thread.js';
export { type ThreadProvider, type ThreadProviderEvents, type ThreadProviderOptions, threadProvider } from './thread-provider.js';
