// The quickstart: `pnpm demo` at the repository root. Half a minute to a minute; Ctrl-C stops everything cleanly.
import { errorText } from '@fleet/core';
import { defaults, runQuickstart } from './quickstart.js';

let onInterrupt: () => void = () => {};
const interrupted = new Promise<void>((resolve) => {
  onInterrupt = resolve;
});
process.once('SIGINT', () => {
  console.log('\nstopping: workers drain, the embedded PostgreSQL shuts down…');
  onInterrupt();
});

console.log('@fleet quickstart: an embedded PostgreSQL queue, child-process workers running runWorker, and an Autoscaler');
console.log('A burst: 16 messages, then 50 more; 1.2 s each; ceil(ready/5) above 8/worker, ceil(ready/7.5) below 2/worker; 1–10 workers\n');
try {
  const s = await runQuickstart({ ...defaults, interrupted });
  console.log(`
${s.interrupted ? 'interrupted' : 'done'}: ${s.jobs} messages handled, duplicates ${s.duplicates}
  drained in      ${(s.drainedInMs / 1000).toFixed(1)} s
  peak workers    ${s.peakWorkers}
  worker-seconds  ${s.workerSeconds}
  p95 wait        ${(s.p95WaitMs / 1000).toFixed(1)} s
  scale calls     1 → ${s.scaleCalls.join(' → ')}
  ticks           ${s.ticks} (a dot each on the chart)
  chart           ${s.chartPath}`);
  process.exit(s.interrupted ? 130 : 0);
} catch (error) {
  // Everything was cleaned up by runQuickstart; say what failed without a stack trace a newcomer has to decode.
  console.error(`\nthe quickstart failed: ${errorText(error)}`);
  process.exit(1);
}
