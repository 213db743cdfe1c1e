import { fleetVitestConfig } from '../../vitest.shared.js';

export default fleetVitestConfig('example-core-burst');
