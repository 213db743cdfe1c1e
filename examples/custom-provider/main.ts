// The custom provider under an Autoscaler: 12 pending jobs, 4 per worker → 3 workers, then back to 0.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Autoscaler, targetTracking } from '@fleet/core';
import { pidDirProvider } from './pid-dir-provider.js';

let pending = 12;
const provider = pidDirProvider({
  dir: join(tmpdir(), 'fleet-pid-dir-example'),
  script: new URL('./worker.mjs', import.meta.url).pathname,
});
const scaler = new Autoscaler({
  metrics: { name: 'jobs', read: async () => ({ pending }) },
  provider,
  policy: targetTracking({ metric: 'pending', averageValue: 4 }),
  min: 0,
  max: 8,
  cooldown: { down: 0 },
});
console.log((await scaler.evaluate()).reason);
pending = 0;
console.log((await scaler.evaluate()).reason);
