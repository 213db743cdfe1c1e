// A burst through an Autoscaler on the system clock: S0's rule (ceil(pending/5) above 8/worker,
// ceil(pending/7.5) below 2/worker, 1–10 workers), with S0's 10 s ticks and 60 s cooldown shortened
// to 1 s and 6 s so the whole story takes about half a minute.
import { Autoscaler, ceilTarget, type Decision } from '@fleet/core';
import { memoryProvider } from '@fleet/core/testing';

const provider = memoryProvider({ name: 'simulated-workers', initial: 1, startupMs: 1_500, scaleToZero: false });
let pending = 0;
const perWorkerPerSecond = 1;

const scaler = new Autoscaler({
  metrics: { name: 'simulated-queue', read: async () => ({ pending }) },
  provider,
  policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
  min: 1,
  max: 10,
  intervalMs: 1_000,
  cooldown: { up: 0, down: 6_000 },
});

const started = Date.now();
const clockText = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const line = (d: Decision) =>
  `${clockText()}  pending ${String(d.metrics.pending ?? '?').padStart(3)}  workers ${String(d.from).padStart(2)} → ${String(d.to).padEnd(2)}  ${d.action.padEnd(10)} ${d.code.padEnd(16)} ${d.reason}`;

scaler.on('decision', (d) => console.log(line(d)));
scaler.on('error', (e) => console.error(`${clockText()}  ${e.phase} error: ${e.error.message}`));

// The simulated fleet works off the queue: each ready worker takes one message per second.
const work = setInterval(async () => {
  const { ready } = await provider.status(AbortSignal.timeout(1_000));
  pending = Math.max(0, pending - ready * perWorkerPerSecond);
}, 1_000);

console.log('@fleet/core demo: a burst of 16 messages, then 50 more, through ceilTarget (S0) on 1–10 workers\n');
pending = 16;
scaler.start();
setTimeout(() => {
  pending += 50;
  console.log(`${clockText()}  +50 messages`);
}, 4_000);

// Stop once the queue is empty and the fleet is back at its minimum.
const done = setInterval(async () => {
  const d = scaler.lastDecision;
  if (pending === 0 && d && d.to === 1 && Date.now() - started > 6_000) {
    clearInterval(done);
    clearInterval(work);
    await scaler.stop();
    console.log(
      `\ndrained in ${((Date.now() - started) / 1000).toFixed(1)} s; scale calls: ${provider.calls.map((c) => c.target).join(' → ')}`,
    );
  }
}, 250);

process.once('SIGINT', async () => {
  clearInterval(done);
  clearInterval(work);
  await scaler.stop();
  process.exit(130);
});
