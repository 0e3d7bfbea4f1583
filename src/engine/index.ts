// The Docker Engine layer: Docker Compose v2's verbs over the Engine API (dockerode), no
// `docker` child process anywhere.

export * from './errors.js';
export * from './docker-host.js';
export * from './client.js';
export * from './labels.js';
export * from './hash.js';
export * from './events.js';
export * from './network.js';
export * from './volume.js';
export * from './images.js';
export * from './create.js';
export * from './up.js';
export * from './start.js';
export * from './stop.js';
export * from './down.js';
export * from './ps.js';
export * from './logs.js';
export { readJsonLines, streamError, type JsonMessage } from './stream.js';
