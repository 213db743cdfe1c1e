import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('queue-do', { fileParallelism: false });
