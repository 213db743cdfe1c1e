import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { type FleetStatus, type ProviderCapabilities, parseWith, type ScaleRequest, type ScalingProvider } from '@fleet/core';
import { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import { ChildSlot, type SlotListener } from './child-slot.js';
import { boundsShape, checkBounds, lifecycleShape, parseTarget, SCOPE, ScaleLog } from './common.js';
import { FirstStarts } from './first-starts.js';

const writable = z.custom<Writable>((v) => typeof (v as Writable | null)?.write === 'function', 'expected a writable stream');

const schema = z
  .strictObject({
    script: z
      .string('expected the path of a Node script')
      .min(1, 'expected the path of a Node script')
      .refine((p) => existsSync(p), { message: 'expected the path of an existing file (resolved from the current directory)' }),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).default({}),
    cwd: z.string().optional(),
    execArgv: z.array(z.string()).default([]),
    name: z.string().min(1).default('worker'),
    ...boundsShape,
    ...lifecycleShape,
    output: z.enum(['prefix', 'inherit', 'ignore']).default('prefix'),
    stdout: writable.optional(),
    stderr: writable.optional(),
  })
  .superRefine(checkBounds)
  .superRefine((o, ctx) => {
    if (o.initial !== undefined && (o.initial < o.min || o.initial > o.max)) {
      ctx.addIssue({
        code: 'custom',
        path: ['initial'],
        message: `expected an integer in [min, max] = [${o.min}, ${o.max}], got ${o.initial}`,
      });
    }
  });

/** Options of {@link processProvider}. */
export interface ProcessProviderOptions {
  /** The Node script each worker runs (forked, with an IPC channel). Must exist. */
  script: string;
  /** Arguments passed to the script. @default [] */
  args?: string[];
  /** Added to this process's environment; `WORKER_ID` is set per worker (`${name}-${index}`, from 1). @default {} */
  env?: Record<string, string>;
  /** Working directory of the workers. @default process.cwd() */
  cwd?: string;
  /** Node flags of the workers. @default [] */
  execArgv?: string[];
  /** Prefix of the worker ids and the provider's name. @default 'worker' */
  name?: string;
  /** Smallest size `scaleTo` accepts; 0 allows scaling to zero. @default 0 */
  min?: number;
  /** Largest size `scaleTo` accepts (`capabilities.maxSize`). @default 64 */
  max?: number;
  /**
   * Workers started when the provider is created: just after `processProvider()` returns (on the next microtask, or
   * at the first `status`, `scaleTo` or `pids` call), so listeners attached right away see their events. @default min
   */
  initial?: number;
  /** After SIGTERM, how long a stopped worker may drain before SIGKILL. @default 30_000 */
  drainTimeoutMs?: number;
  /** Count a worker ready only once it sends `process.send('ready')` (or after `readyGraceMs`, if set). @default false */
  waitReady?: boolean;
  /** A live worker counts as ready this long after it started; 0 without `waitReady` means at once. @default 0 */
  readyGraceMs?: number;
  /**
   * Restarts after a worker exits on its own: backoff `min(maxMs, baseMs × 2^(n-1))`; after `maxUnstable` exits in a
   * row each within `minUptimeMs` of starting, the worker is left stopped and an `error` event says why.
   * @default { baseMs: 100, maxMs: 30_000, minUptimeMs: 1_000, maxUnstable: 5 }
   */
  restart?: { baseMs?: number; maxMs?: number; minUptimeMs?: number; maxUnstable?: number };
  /** `prefix`: each line of the workers' stdout/stderr, prefixed `[worker-3] `, to `stdout`/`stderr`. @default 'prefix' */
  output?: 'prefix' | 'inherit' | 'ignore';
  /** @default process.stdout */
  stdout?: Writable;
  /** @default process.stderr */
  stderr?: Writable;
}

/** Events of a {@link ProcessProvider}, one payload object each. */
export interface ProcessProviderEvents {
  /** A worker process was started (first start or restart). */
  spawn: (event: { workerId: string; pid: number | undefined }) => void;
  ready: (event: { workerId: string; pid: number | undefined }) => void;
  exit: (event: { workerId: string; code: number | null; signal: NodeJS.Signals | null; expected: boolean }) => void;
  restart: (event: { workerId: string; inMs: number }) => void;
  /** A worker's script keeps crashing at start and is no longer restarted (a FleetError `provider-failed`). */
  error: (event: { workerId: string; error: Error }) => void;
}

/** A fleet of child processes on this host. */
export interface ProcessProvider extends ScalingProvider, EventEmitter<ProcessProviderEvents> {
  readonly capabilities: ProviderCapabilities;
  /** The pids of the live workers, oldest slot first (for logs; tests read the OS instead). */
  pids(): number[];
  /** Stops every worker gracefully (SIGTERM, then SIGKILL after the drain timeout) and resolves once all exited. */
  close(): Promise<void>;
}

/**
 * The embedded default: workers as child processes of this one, nothing to install. Worker `i` (from 1) runs
 * `script` with `WORKER_ID=${name}-${i}`; scale-in stops the highest indexes first with SIGTERM, which `runWorker`
 * turns into a drain, and SIGKILL after `drainTimeoutMs`. A worker that exits on its own is restarted with backoff.
 * `scaleTo` returns once processes are started or signalled; `status()` tells which are ready.
 *
 * @example
 * const provider = processProvider({ script: './worker.js', min: 1, max: 10, drainTimeoutMs: 20_000 });
 * const scaler = new Autoscaler({ provider, metrics: queue.metricSource(), policy: ceilTarget({ … }) });
 */
export function processProvider(options: ProcessProviderOptions): ProcessProvider {
  const o = parseWith(schema, options, SCOPE, 'processProvider() options');
  return new Processes({ ...o, script: resolve(o.script) }, options.stdout ?? process.stdout, options.stderr ?? process.stderr);
}

type Resolved = z.output<typeof schema>;

class Processes extends EventEmitter<ProcessProviderEvents> implements ProcessProvider {
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  private slots: ChildSlot[] = [];
  private readonly draining = new Set<Promise<void>>();
  private readonly log = new ScaleLog();
  private readonly listener: SlotListener;
  private readonly onExit = () => {
    for (const slot of this.all) slot.killNow();
  };
  private readonly all = new Set<ChildSlot>();
  /** The constructor's workers, started after it has returned. */
  private readonly firstStarts: FirstStarts<ChildSlot>;

  constructor(
    private readonly o: Resolved,
    private readonly stdout: Writable,
    private readonly stderr: Writable,
  ) {
    super();
    this.name = `process(${o.name})`;
    this.capabilities = { scaleToZero: o.min === 0, maxSize: o.max };
    this.listener = {
      spawn: (slot) => this.emit('spawn', { workerId: slot.id, pid: slot.child?.pid }),
      ready: (slot) => this.emit('ready', { workerId: slot.id, pid: slot.child?.pid }),
      exit: (slot, code, signal, expected) => this.emit('exit', { workerId: slot.id, code, signal, expected }),
      restart: (slot, inMs) => this.emit('restart', { workerId: slot.id, inMs }),
      gaveUp: (slot, error) => {
        // Without a listener the error would be thrown by the emitter: log it instead, it must not crash the host.
        if (this.listenerCount('error') > 0) this.emit('error', { workerId: slot.id, error });
        else this.stderr.write(`${error.message}\n`);
      },
    };
    // Workers die with this process even when it exits without close().
    process.on('exit', this.onExit);
    // The first workers get their slots now (status counts them) but start after the constructor has returned, so a
    // listener attached right after construction sees their `spawn` and `ready` events.
    this.firstStarts = new FirstStarts(this.resize(o.initial ?? o.min, { start: false }), (slot) => slot.child === undefined);
  }

  async status(signal?: AbortSignal): Promise<FleetStatus> {
    this.firstStarts.now();
    signal?.throwIfAborted();
    const ready = this.slots.filter((s) => s.alive && s.ready).length;
    const starting = this.slots.filter((s) => s.alive && !s.ready).length;
    return this.log.status(this.slots.length, ready, starting);
  }

  async scaleTo(target: number, request: ScaleRequest): Promise<void> {
    const n = parseTarget(target, this.o.min, this.o.max, SCOPE);
    request.signal?.throwIfAborted();
    this.firstStarts.now();
    this.resize(n);
  }

  pids(): number[] {
    this.firstStarts.now();
    return this.slots.flatMap((s) => (s.alive && s.child?.pid !== undefined ? [s.child.pid] : []));
  }

  async close(): Promise<void> {
    this.resize(0);
    await Promise.all([...this.draining]);
    process.off('exit', this.onExit);
  }

  // Synchronous on purpose: parallel scaleTo calls see each other's slots, so they cannot overshoot. Returns the
  // slots it added; with `start: false` they are not started (the constructor's, see FirstStarts).
  private resize(target: number, { start = true } = {}): ChildSlot[] {
    const from = this.slots.length;
    const added: ChildSlot[] = [];
    while (this.slots.length < target) {
      const slot = new ChildSlot(`${this.o.name}-${this.slots.length + 1}`, this.slotConfig(), this.listener);
      this.slots.push(slot);
      this.all.add(slot);
      added.push(slot);
      if (start) slot.start();
    }
    for (const slot of this.slots.splice(target).reverse()) {
      const stopped = slot.stop().finally(() => {
        this.draining.delete(stopped);
        this.all.delete(slot);
      });
      this.draining.add(stopped);
    }
    this.log.record(from, target);
    return added;
  }

  private slotConfig() {
    const { script, args, env, cwd, execArgv, drainTimeoutMs, waitReady, readyGraceMs, restart, output } = this.o;
    return {
      script,
      args,
      env,
      cwd,
      execArgv,
      drainTimeoutMs,
      waitReady,
      readyGraceMs,
      restart,
      output,
      stdout: this.stdout,
      stderr: this.stderr,
    };
  }
}
