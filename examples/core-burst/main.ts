// The core-only burst on the system clock: `pnpm --filter @fleet/example-core-burst start`. Ctrl-C stops it.
import { runBurst } from './burst.js';

const burst = runBurst();
process.once('SIGINT', async () => {
  await burst.stop();
  process.exit(130);
});
await burst.done;
