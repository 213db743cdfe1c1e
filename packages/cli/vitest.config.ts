import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('cli', { fileParallelism: false });
