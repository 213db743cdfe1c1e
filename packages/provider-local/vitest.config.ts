import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('provider-local', { fileParallelism: false });
