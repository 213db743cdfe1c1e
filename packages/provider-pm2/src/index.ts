// The public surface of @fleet/provider-pm2.
export { defaultPm2Home } from './connection.js';
export { pm2Ecosystem } from './ecosystem.js';
export type { Pm2ProviderOptions } from './options.js';
export type { Pm2Api, Pm2AppConfig, Pm2Constructor, Pm2Process } from './pm2-api.js';
export { type Pm2LeaderOptions, pm2Leader } from './pm2-leader.js';
export { type Pm2Provider, pm2Provider } from './pm2-provider.js';
