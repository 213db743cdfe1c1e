import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('example-custom-provider', { fileParallelism: false });
