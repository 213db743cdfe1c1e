import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../src/clock.js';
import { fleetError } from '../src/errors.js';
import type { ClaimQueue } from '../src/queue.js';
import { flushPromises } from '../src/testing/fake-clock.js';
import type { RunWorkerOptions } from '../src/worker/options.js';
import { runWorker } from '../src/worker/run-worker.js';
import { workerSetup } from './support/worker-setup.js';

const setup = workerSetup;

const enqueue = (queue: ClaimQueue<number>, n: number) => queue.enqueue(Array.from({ length: n }, (_, i) => ({ payload: i })));

describe('runWorker', () => {
  it('runs every job, never more than `concurrency` at once, claiming only free slots', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 10);
    const maxes: number[] = [];
    const claim = queue.claim.bind(queue);
    queue.claim = (workerId, options) => {
      maxes.push(options?.max ?? 1);
      return claim(workerId, options);
    };
    let active = 0;
    let peak = 0;
    const worker = start({
      concurrency: 3,
      handler: async () => {
        peak = Math.max(peak, ++active);
        await sleep(clock, 100);
        active--;
      },
    });
    await clock.advance(1_000);
    expect(peak).toBe(3);
    expect(await queue.stats()).toMatchObject({ completedTotal: 10, ready: 0, running: 0 });
    expect(Math.max(...maxes)).toBe(3);
    expect(worker.stats()).toMatchObject({ done: 10, failed: 0, claimed: 10, running: 0, state: 'running' });
    await worker.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('claims again at once after a claim that returned jobs, and waits only when one returned none', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 2);
    const calls: [number, number][] = [];
    const claim = queue.claim.bind(queue);
    queue.claim = async (workerId, options) => {
      const jobs = await claim(workerId, options);
      calls.push([options?.max ?? 1, jobs.length]);
      return jobs;
    };
    const worker = start({ concurrency: 4, handler: () => new Promise(() => {}) });
    await flushPromises();
    expect(calls).toEqual([
      [4, 2],
      [2, 0],
    ]);
    expect(clock.pendingTimers).toBe(1 + 2 + 2); // waitForJobs, and one lease extension and one time limit per running job
    await enqueue(queue, 1);
    await flushPromises();
    expect(calls.slice(2)).toEqual([
      [2, 1],
      [1, 0],
    ]);
    void worker.stop();
  });

  it("takes each next job in its predecessor's complete when the queue can fold them (one call per job)", async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 5);
    const calls: string[] = [];
    const { claim, complete, completeAndClaim } = queue;
    queue.claim = (workerId, options) => {
      calls.push(`claim ${options?.max}`);
      return claim(workerId, options);
    };
    queue.complete = (job) => {
      calls.push('complete');
      return complete(job);
    };
    queue.completeAndClaim = async (job, workerId, options) => {
      const next = await (completeAndClaim as NonNullable<typeof completeAndClaim>)(job, workerId, options);
      calls.push(`completeAndClaim ${options?.max} → ${next.length}`);
      return next;
    };
    const payloads: number[] = [];
    const worker = start({ concurrency: 1, prefetch: 0, handler: async (job) => void payloads.push(job.payload) });
    await clock.advance(100);
    expect(payloads).toEqual([0, 1, 2, 3, 4]);
    expect(calls).toEqual(['claim 1', ...Array(4).fill('completeAndClaim 1 → 1'), 'completeAndClaim 1 → 0', 'claim 1']);
    expect(worker.stats()).toMatchObject({ done: 5, claimed: 5, running: 0 });
    await worker.stop();
  });

  describe('prefetch', () => {
    /** A queue whose claims record their `max`, and a handler that runs until released, recording starts. */
    function gated(options: Partial<RunWorkerOptions<number>> = {}) {
      const t = setup();
      const maxes: number[] = [];
      const claim = t.queue.claim.bind(t.queue);
      t.queue.claim = (workerId, o) => {
        maxes.push(o?.max ?? 1);
        return claim(workerId, o);
      };
      const started: number[] = [];
      const gates: (() => void)[] = [];
      let active = 0;
      let peak = 0;
      const worker = t.start({
        ...options,
        handler: async (job) => {
          started.push(job.payload);
          peak = Math.max(peak, ++active);
          await new Promise<void>((resolve) => gates.push(resolve));
          active--;
        },
      });
      const release = async () => {
        gates.shift()?.();
        await flushPromises();
      };
      return { ...t, maxes, started, worker, release, peak: () => peak };
    }

    it('holds `prefetch` jobs ahead, leased, and starts them in order as slots free, never more than `concurrency` at once', async () => {
      const { clock, queue, maxes, started, worker, release, peak } = gated({ concurrency: 2, prefetch: 3, leaseMs: 1_000 });
      await enqueue(queue, 8);
      await clock.advance(10);
      expect(maxes[0]).toBe(5);
      expect(started).toEqual([0, 1]);
      expect(await queue.stats()).toMatchObject({ running: 5, ready: 3 });
      expect(worker.stats()).toMatchObject({ claimed: 5, running: 2 });
      // The held jobs keep their lease while they wait: nobody else can claim them after it would have run out.
      await clock.advance(3_000);
      expect(await queue.claim('thief', { max: 10 })).toHaveLength(3);
      await release();
      expect(started).toEqual([0, 1, 2]);
      for (let i = 0; i < 8; i++) await release();
      await clock.advance(10);
      expect(started).toEqual([0, 1, 2, 3, 4]);
      expect(peak()).toBe(2);
      expect(await queue.stats()).toMatchObject({ completedTotal: 5, redeliveredTotal: 0 });
      await worker.stop();
      expect(clock.pendingTimers).toBe(0);
    });

    it("'auto' claims ahead while handlers are short and stops when they grow long", async () => {
      const { clock, queue, start } = setup();
      await enqueue(queue, 60);
      const held: number[] = [];
      let ms = 1;
      const worker = start({ concurrency: 2, handler: () => sleep(clock, ms) });
      const claimedMinusSettled = () => worker.stats().claimed - worker.stats().done;
      worker.on('job-start', () => held.push(claimedMinusSettled()));
      await clock.advance(20);
      expect(Math.max(...held)).toBe(4);
      ms = 1_000;
      held.length = 0;
      await clock.advance(10_000);
      expect(held.length).toBeGreaterThan(5);
      expect(held.slice(-4).every((n) => n <= 2)).toBe(true);
      await worker.stop();
    });

    it('a stop runs the jobs held ahead; a drain that times out leaves them to their lease without starting them', async () => {
      const first = gated({ concurrency: 1, prefetch: 2, drainTimeoutMs: 1_000, leaseMs: 5_000 });
      await enqueue(first.queue, 3);
      await first.clock.advance(10);
      const stopping = first.worker.stop();
      await first.release();
      await first.release();
      await first.release();
      await stopping;
      expect(first.started).toEqual([0, 1, 2]);
      expect(await first.queue.stats()).toMatchObject({ completedTotal: 3, running: 0 });

      const second = gated({ concurrency: 1, prefetch: 2, drainTimeoutMs: 1_000, leaseMs: 5_000 });
      await enqueue(second.queue, 3);
      await second.clock.advance(10);
      const stopped = second.worker.stop();
      await second.clock.advance(1_000);
      await stopped;
      expect(second.started).toEqual([0]);
      expect(second.worker.stats()).toMatchObject({ abandoned: 3, done: 0, state: 'stopped' });
      await second.release();
      expect(second.started).toEqual([0]);
      expect(await second.queue.stats()).toMatchObject({ running: 3, completedTotal: 0 });
      expect(second.clock.pendingTimers).toBe(0);
    });
  });

  it('extends the lease of a long job so it is not taken back', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 1);
    const done: number[] = [];
    const worker = start({ leaseMs: 1_000, handler: () => sleep(clock, 5_000) });
    worker.on('job-done', ({ job }) => done.push(job.attempt));
    await clock.advance(3_000);
    expect(await queue.claim('thief')).toEqual([]);
    await clock.advance(2_500);
    expect(done).toEqual([1]);
    expect(await queue.stats()).toMatchObject({ completedTotal: 1, redeliveredTotal: 0 });
    await worker.stop();
  });

  it('fails a job whose handler throws; the queue retries it', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 1);
    const events: string[] = [];
    const worker = start({
      handler: async (job) => {
        if (job.attempt === 1) throw new Error('flaky');
      },
    });
    worker.on('job-failed', ({ job, error }) => events.push(`failed ${job.attempt} ${(error as Error).message}`));
    worker.on('job-done', ({ job }) => events.push(`done ${job.attempt}`));
    await clock.advance(1_000);
    expect(events).toEqual(['failed 1 flaky', 'done 2']);
    expect(worker.stats()).toMatchObject({ done: 1, failed: 1 });
    await worker.stop();
  });

  it('on stop, lets a running job finish and complete it before stopping', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 2);
    const order: string[] = [];
    const worker = start({ handler: () => sleep(clock, 1_000) });
    worker.on('job-start', () => order.push('job-start'));
    worker.on('job-done', () => order.push('job-done'));
    worker.on('stopped', () => order.push('stopped'));
    await clock.advance(10);
    const stopping = worker.stop();
    order.push('stop called');
    expect(worker.stop()).toBe(stopping);
    await clock.advance(1_000);
    await stopping;
    expect(order).toEqual(['job-start', 'stop called', 'job-done', 'stopped']);
    expect(await queue.stats()).toMatchObject({ completedTotal: 1, ready: 1, running: 0 });
    expect(clock.pendingTimers).toBe(0);
  });

  it('when the drain times out, aborts the handler and leaves its job to its lease for another worker', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 1);
    let aborted: unknown;
    const failed: unknown[] = [];
    const first = start({
      leaseMs: 5_000,
      drainTimeoutMs: 1_000,
      handler: (_job, { signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            reject(aborted);
          }),
        ),
    });
    first.on('job-failed', (e) => failed.push(e));
    await clock.advance(10);
    const stopped = first.stop();
    await clock.advance(1_000);
    await stopped;
    expect(String(aborted)).toContain('drain timed out after 1s');
    expect(first.stats()).toMatchObject({ abandoned: 1, done: 0, failed: 0, state: 'stopped' });
    expect(failed).toEqual([]);
    expect(await queue.stats()).toMatchObject({ running: 1, completedTotal: 0, dead: 0 });
    expect(clock.pendingTimers).toBe(0);

    const second = start({ workerId: 'w2', handler: async () => {} });
    const attempts: number[] = [];
    second.on('job-done', ({ job }) => attempts.push(job.attempt));
    await clock.advance(5_000);
    expect(attempts).toEqual([2]);
    expect(await queue.stats()).toMatchObject({ completedTotal: 1, redeliveredTotal: 1 });
    await second.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborts a handler whose lease was lost, and neither completes nor fails its job', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 1);
    const calls: string[] = [];
    const lossy: ClaimQueue<number> = {
      ...queue,
      extend: async (job) => {
        throw fleetError('test', 'lease-lost', `job ${job.id} was taken`);
      },
      complete: async () => void calls.push('complete'),
      fail: async () => void calls.push('fail'),
    };
    const worker = start({
      queue: lossy,
      leaseMs: 1_000,
      handler: (_job, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve())),
    });
    const lost: string[] = [];
    worker.on('lease-lost', ({ job, during }) => lost.push(`${job.id} ${during}`));
    await clock.advance(600);
    expect(lost).toEqual(['1 extend']);
    expect(calls).toEqual([]);
    expect(worker.stats()).toMatchObject({ leaseLost: 1, done: 0, running: 0 });
    await worker.stop();
  });

  it('survives claim errors: reports them and retries after a backoff', async () => {
    const { clock, queue, start } = setup();
    await enqueue(queue, 1);
    let failures = 2;
    const flaky: ClaimQueue<number> = {
      ...queue,
      claim: (workerId, options) => (failures-- > 0 ? Promise.reject(new Error('db down')) : queue.claim(workerId, options)),
    };
    const worker = start({ queue: flaky, handler: async () => {} });
    const errors: string[] = [];
    worker.on('error', ({ phase, error }) => errors.push(`${phase}: ${(error as Error).message}`));
    await clock.advance(2_000);
    expect(errors).toEqual(['claim: db down', 'claim: db down']);
    expect(await queue.stats()).toMatchObject({ completedTotal: 1 });
    await worker.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('polls every pollMs when the queue has no waitForJobs', async () => {
    const { clock, queue, start } = setup();
    const { waitForJobs: _, ...plain } = queue;
    const started: number[] = [];
    const worker = start({ queue: plain, pollMs: 1_000, handler: async () => void started.push(clock.now()) });
    await clock.advance(10);
    const enqueuedAt = clock.now();
    await enqueue(queue, 1);
    await clock.advance(980);
    expect(started).toEqual([]);
    await clock.advance(10);
    expect(started).toEqual([enqueuedAt + 990]);
    await worker.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('prints a banner and periodic metrics lines, and leaves no timer after stop', async () => {
    const { clock, queue, lines, start } = setup();
    await enqueue(queue, 4);
    const worker = start({ concurrency: 2, statsIntervalMs: 10_000, handler: () => sleep(clock, 500) });
    expect(lines[0]).toBe('info worker w1 started (concurrency 2, lease 30s, drain 25s)');
    await clock.advance(10_000);
    expect(lines[1]).toMatch(
      /^info worker w1: 4 done, 0 failed in 10s \(0\.4\/s\), latency avg 500 ms max 500 ms, 0 running, rss \d+ MB, 0 errors$/,
    );
    await worker.stop();
    await worker.done;
    expect(lines.at(-1)).toBe('info worker w1 stopped (4 done, 0 failed)');
    expect(clock.pendingTimers).toBe(0);
  });

  it('validates its options, naming the field', () => {
    const { queue } = setup();
    expect(() => runWorker({ queue, handler: async () => {}, concurrency: 0 })).toThrow(/runWorker\(\) options: concurrency/);
    expect(() => runWorker({ queue, handler: 'nope' as never })).toThrow(/handler: expected a function/);
    expect(() => runWorker({ queue: {} as never, handler: async () => {} })).toThrow(/queue: expected a ClaimQueue/);
    expect(() => runWorker({ queue, handler: async () => {}, prefetch: -1 })).toThrow(/prefetch: .*>=0, got -1/);
  });
});

describe('runWorker in a real process', () => {
  const fixture = fileURLToPath(new URL('./fixtures/signal-worker.ts', import.meta.url));
  const started: ReturnType<typeof spawn>[] = [];
  // A worker that failed to stop must not outlive a failed case.
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  async function runUntilStarted(stop: (child: ReturnType<typeof spawn>) => void, ipc = false) {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, WORKER_ID: 'ai-bot-worker-3', JOB_MS: '400' },
      stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let out = '';
    let err = '';
    child.stderr?.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d) => {
        out += d;
        if (out.includes('job-start')) resolve();
      });
      child.on('exit', () => reject(new Error(`the worker exited before its job started:\n${out}\n${err}`)));
    });
    stop(child);
    const code = await exited;
    return { code, lines: out.trim().split('\n'), err };
  }

  for (const [how, stop, ipc, reason] of [
    ['SIGTERM', (c: ReturnType<typeof spawn>) => c.kill('SIGTERM'), false, 'SIGTERM'],
    ["PM2's shutdown message", (c: ReturnType<typeof spawn>) => c.send?.('shutdown'), true, 'shutdown'],
    // The parent that forked it is gone (exited, killed): its IPC channel closes and the worker must not run on.
    ["the parent's IPC channel closing", (c: ReturnType<typeof spawn>) => c.disconnect?.(), true, 'disconnect'],
  ] as const) {
    it(`on ${how} finishes the running job, then exits 0`, async () => {
      const { code, lines, err } = await runUntilStarted(stop, ipc);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(lines[0]).toBe('[fleet] worker ai-bot-worker-3 started (concurrency 1, lease 30s, drain 5s)');
      const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
      expect(at('[fleet] worker ai-bot-worker-3 draining')).toBeGreaterThan(at('job-start'));
      expect(lines[at('[fleet] worker ai-bot-worker-3 draining')]).toContain(`(${reason})`);
      expect(at('job-end')).toBeGreaterThan(at('[fleet] worker ai-bot-worker-3 draining'));
      expect(at('job-done')).toBeGreaterThan(at('job-end'));
      expect(lines.at(-2)).toBe('stopped: 1 done, 0 abandoned');
      expect(lines.at(-1)).toBe('exit 0');
    });
  }

  it('drains and exits when its parent was already gone by the time the worker started (a missed disconnect)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, WORKER_ID: 'ai-bot-worker-4', START_AFTER_MS: '1500' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    started.push(child);
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.disconnect();
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.some((l) => l.startsWith('[fleet] worker ai-bot-worker-4 draining (disconnect)'))).toBe(true);
    expect(lines.at(-1)).toBe('exit 0');
  });
});
