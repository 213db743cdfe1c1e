import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('provider-pm2', { fileParallelism: false });
