// The public surface of @fleet/provider-docker.
export type { DockerConnection, DockerOption } from './connection.js';
export type { GroupContainer } from './containers.js';
export { type DockerProvider, dockerProvider } from './docker-provider.js';
export type { DockerProviderOptions } from './options.js';
export { type SwarmProviderOptions, swarmProvider } from './swarm-provider.js';
export type { ContainerTemplate } from './template.js';
