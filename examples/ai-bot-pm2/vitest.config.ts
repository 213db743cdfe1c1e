import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('example-ai-bot-pm2', { testTimeout: 60_000, fileParallelism: false });
