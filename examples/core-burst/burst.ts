// A burst through an Autoscaler: S0's rule (ceil(pending/5) above 8/worker, ceil(pending/7.5) below 2/worker,
// 1–10 workers), with S0's 10 s ticks and 60 s cooldown shortened to 1 s and 6 s so the whole story takes about
// 10 s. The queue and the workers are simulated in memory; the clock is the system's, or a FakeClock in the test.
import { Autoscaler, type Clock, ceilTarget, type Decision, systemClock } from '@fleet/core';
import { memoryProvider } from '@fleet/core/testing';

/** What {@link runBurst} needs; both have defaults. */
export interface BurstOptions {
  /** @default systemClock */
  clock?: Clock;
  /** Where each line goes. @default console.log */
  print?: (line: string) => void;
}

/** How the burst went. */
export interface BurstResult {
  decisions: Decision[];
  /** The size asked for by each scaling call, in order. */
  scaleCalls: number[];
  /** From the first tick to the end: queue empty, fleet back at one worker. */
  drainedAfterMs: number;
  /** Messages still waiting at the end. */
  pending: number;
}

/** A running burst: `done` resolves when the queue is empty and the fleet is back at its minimum; `stop()` ends it early. */
export interface Burst {
  done: Promise<BurstResult>;
  stop(): Promise<void>;
}

const FIRST = 16;
const SECOND = 50;
const SECOND_AT_MS = 4_000;
const PER_WORKER_PER_SECOND = 1;

/** Runs the burst: 16 messages, then 50 more 4 s later, printing every decision with its code and reason. */
export function runBurst({ clock = systemClock, print = console.log }: BurstOptions = {}): Burst {
  const provider = memoryProvider({ clock, name: 'simulated-workers', initial: 1, startupMs: 1_500, scaleToZero: false });
  let pending = 0;
  const scaler = new Autoscaler({
    clock,
    metrics: { name: 'simulated-queue', read: async () => ({ pending }) },
    provider,
    policy: ceilTarget({ metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
    min: 1,
    max: 10,
    intervalMs: 1_000,
    cooldown: { up: 0, down: 6_000 },
  });

  const started = clock.now();
  const clockText = () => `${((clock.now() - started) / 1000).toFixed(1).padStart(5)} s`;
  const decisions: Decision[] = [];
  scaler.on('decision', (d) => {
    decisions.push(d);
    const workers = `${String(d.from).padStart(2)} → ${String(d.to).padEnd(2)}`;
    print(
      `${clockText()}  pending ${String(d.metrics.pending ?? '?').padStart(3)}  workers ${workers}  ${d.action.padEnd(10)} ${d.code.padEnd(16)} ${d.reason}`,
    );
  });
  scaler.on('error', (e) => print(`${clockText()}  ${e.phase} error: ${e.error.message}`));

  // Timers on the clock, so that a FakeClock runs the whole story; each re-arms itself until stopped.
  const timers = new Set<unknown>();
  const every = (ms: number, fn: () => Promise<void> | void) => {
    const arm = () => {
      const handle = clock.setTimeout(async () => {
        timers.delete(handle);
        await fn();
        if (!stopped) arm();
      }, ms);
      timers.add(handle);
    };
    arm();
  };
  let stopped = false;
  const stop = async () => {
    stopped = true;
    for (const handle of timers) clock.clearTimeout(handle);
    timers.clear();
    await scaler.stop();
  };

  print(`@fleet/core demo: a burst of ${FIRST} messages, then ${SECOND} more, through ceilTarget (S0) on 1–10 workers\n`);
  // The simulated fleet works off the queue: each ready worker takes one message per second.
  every(1_000, async () => {
    const { ready } = await provider.status(new AbortController().signal);
    pending = Math.max(0, pending - ready * PER_WORKER_PER_SECOND);
  });
  pending = FIRST;
  void scaler.start();
  let secondArrived = false;
  const second = clock.setTimeout(() => {
    timers.delete(second);
    secondArrived = true;
    pending += SECOND;
    print(`${clockText()}  +${SECOND} messages`);
  }, SECOND_AT_MS);
  timers.add(second);

  const done = new Promise<BurstResult>((resolve) => {
    every(250, async () => {
      const last = scaler.lastDecision;
      if (stopped || !secondArrived || pending > 0 || last?.to !== 1) return;
      await stop();
      const result = { decisions, scaleCalls: provider.calls.map((c) => c.target), drainedAfterMs: clock.now() - started, pending };
      print(`\ndrained in ${(result.drainedAfterMs / 1000).toFixed(1)} s; scale calls: ${result.scaleCalls.join(' → ')}`);
      resolve(result);
    });
  });
  return { done, stop };
}
