import { EventEmitter } from 'eventemitter3';
import { z } from 'zod';
import { type Clock, systemClock } from './clock.js';
import { canScale, clearFailures, decide, recordFailure, recordScale } from './decide.js';
import type { Decision, DecisionCode } from './decision.js';
import { errorText, toError } from './error-text.js';
import { fleetError, parseWith } from './errors.js';
import { type Logger, silentLogger } from './logger.js';
import type { MetricSource } from './metric.js';
import { type MetricProblem, readMetrics } from './metrics/read.js';
import { type AutoscalerOptions, parseAutoscalerOptions, type ResolvedOptions } from './options.js';
import type { FleetStatus } from './provider.js';
import { keysRead } from './rules/health.js';
import { initialState, type Modes, type ScalerState } from './rules/state.js';
import { assertKeysProvided, declaredKeys, unprovidedKeyText } from './source-keys.js';
import { withTimeout } from './timeout.js';

/** Where an error came from. */
export type ErrorPhase = 'metric' | 'provider' | 'leader' | 'listener';

/** Typed events of the {@link Autoscaler}; each listener gets one payload object. */
export interface AutoscalerEvents {
  /** After every tick, with what it decided and how long it took. */
  tick: (event: { decision: Decision; durationMs: number }) => void;
  /** Every decision, before the provider is called. */
  decision: (decision: Decision) => void;
  /** The provider carried out a scaling. */
  scaled: (event: { at: number; from: number; to: number; code: DecisionCode; reason: string }) => void;
  /** A metric source, the provider or the leader elector failed. The loop goes on. */
  error: (event: { phase: ErrorPhase; error: Error; source?: string }) => void;
  /** This instance became or stopped being the leader. */
  leader: (event: { id: string; leading: boolean }) => void;
}

/** What {@link Autoscaler.snapshot} returns. */
export interface AutoscalerSnapshot {
  name: string;
  /** Ticking (`start()` called, `stop()` not). */
  running: boolean;
  /** With a leader elector: whether this instance leads. */
  leading?: boolean;
  /** The provider's target at the last tick; undefined before the first. */
  current: number | undefined;
  /** The policy's last desire. */
  desired: number | undefined;
  /** Whether bounds, the up cooldown, the rate limit, an override, a pause and the provider backoff would let one more worker start now. */
  canScaleUp: boolean;
  /** Whether bounds, the down cooldown, the rate limit, an override, a pause and the provider backoff would let one worker stop now. */
  canScaleDown: boolean;
  paused?: 'all' | 'scaleIn' | 'scaleOut';
  override?: { replicas: number; until: number };
  lastDecision: Decision | undefined;
}

const overrideSchema = z
  .strictObject({ untilMs: z.number().int().positive().optional(), forMs: z.number().int().positive().optional() })
  .refine((o) => (o.untilMs === undefined) !== (o.forMs === undefined), {
    message: 'expected exactly one of untilMs (a time) or forMs (a duration)',
  });

const statusSchema = z.object({
  target: z.number().int().min(0),
  ready: z.number().int().min(0),
  starting: z.number().int().min(0).optional(),
  lastScaledAt: z.number().finite().optional(),
  lastScaleDirection: z.enum(['up', 'down']).optional(),
});

/**
 * Reads metrics, asks the policy for a size, applies the behaviour rules and calls the provider — once per
 * `intervalMs`, never overlapping, never dying. Every tick yields a {@link Decision} with a code and a reason.
 *
 * @example
 * const scaler = new Autoscaler({
 *   metrics: queue.metricSource(),
 *   provider: pm2Provider({ ... }),
 *   policy: ceilTarget({ metric: 'ready', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2, downDivisor: 7.5 }),
 *   min: 1, max: 10, cooldown: { down: 60_000 },
 * });
 * scaler.on('decision', (d) => console.log(d.reason));
 * await scaler.start(); // resolves with the first tick's Decision
 */
export class Autoscaler extends EventEmitter<AutoscalerEvents> {
  /** The validated options, defaults filled in. */
  readonly options: Readonly<ResolvedOptions>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly sources: readonly MetricSource[];
  /** The keys the policy and the activation rule read: each tick without one is an outage to report. */
  private readonly neededKeys: readonly string[];
  /** Keys some source declares: missing from a reading, a source dropped them. */
  private readonly declared: ReadonlySet<string>;
  /** Keys some reading held (fresh or not) since construction. */
  private readonly seenKeys = new Set<string>();
  /** Needed keys reported once as provided by no source. */
  private readonly reportedUnprovided = new Set<string>();
  private state: ScalerState = initialState();
  private modes: Modes = {};
  private chain: Promise<unknown> = Promise.resolve();
  private queued = 0;
  /** A tick asked for and not yet started: later asks share it instead of queueing one each. */
  private waiting: Promise<Decision> | undefined;
  /** A provider's `lastScaledAt` ahead of our clock, and when we first saw it: cooldowns count from then. */
  private aheadOfClock: { reported: number; seenAt: number } | undefined;
  private timer: unknown;
  private running = false;
  /** What `start()` returned since it was last called: the first tick's Decision. */
  private firstTick: Promise<Decision> | undefined;
  private leading: boolean | undefined;
  private last: Decision | undefined;
  private lastStatus: FleetStatus | undefined;

  /** @throws FleetError `invalid-options` naming each bad field. */
  constructor(options: AutoscalerOptions) {
    super();
    this.options = Object.freeze(parseAutoscalerOptions(options));
    this.clock = this.options.clock ?? systemClock;
    this.logger = this.options.logger ?? silentLogger;
    this.sources = Array.isArray(this.options.metrics) ? this.options.metrics : [this.options.metrics as MetricSource];
    this.neededKeys = keysRead(this.options);
    const activation = this.options.activation?.metric;
    assertKeysProvided(
      this.sources,
      this.neededKeys.map((key) => ({
        key,
        readBy: key === activation && !this.options.policy.keys.includes(key) ? 'activation.metric' : 'policy',
      })),
    );
    this.declared = declaredKeys(this.sources);
  }

  /**
   * Starts ticking: the first tick now, then one every `intervalMs` (a tick that overruns makes the next ones skip).
   * Resolves with the first tick's Decision, so a test can await what the first tick did before it changes a
   * metric. It never rejects: a first tick that fails resolves with its hold (`provider-error`, `metric-outage`…),
   * and the failure goes to the `error` event as on every tick. Calling it again while running returns the same
   * promise; after `stop()` it starts again, with a new first tick.
   *
   * @example
   * const first = await scaler.start();
   * console.log(first.to); // the size the first tick chose
   */
  start(): Promise<Decision> {
    if (this.firstTick) return this.firstTick;
    this.running = true;
    this.timer = this.clock.setTimeout(() => this.fire(), this.options.intervalMs);
    // Not skipped like a timer slot when a tick is in flight: the first tick waits for it, as evaluate() does.
    this.firstTick = this.settle(this.evaluate());
    return this.firstTick;
  }

  /** Stops ticking, waits for the tick in flight, resigns leadership. Leaves no timer behind. */
  async stop(): Promise<void> {
    this.running = false;
    this.firstTick = undefined;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    if (this.leading && this.options.leader) {
      await this.options.leader.resign().catch((error) => this.fail('leader', error));
      this.setLeading(false);
    }
  }

  /**
   * Runs one tick after the one in flight, if any, and resolves to its Decision. Calls that arrive while a tick is
   * waiting to start share it: 20 concurrent triggers run one tick, not 20, and each still gets a tick that began
   * after it asked.
   */
  evaluate(): Promise<Decision> {
    if (this.waiting) return this.waiting;
    this.queued++;
    const run = this.chain
      .then(() => {
        this.waiting = undefined;
        return this.tick();
      })
      .finally(() => this.queued--);
    this.waiting = run;
    this.chain = run.catch(() => {});
    return run;
  }

  /** The last Decision, if any tick ran. */
  get lastDecision(): Decision | undefined {
    return this.last;
  }

  /**
   * What an operator wants to see (S2's status endpoint): the last size read from the provider, the last desire,
   * whether a scale-up or scale-down could happen now (bounds, cooldowns, pause), the modes, and the last decision.
   */
  snapshot(): AutoscalerSnapshot {
    const o = this.options;
    const now = this.clock.now();
    const status = this.lastStatus;
    const paused = this.modes.paused;
    // The same rule functions as the next tick's decide(), so /status never promises what the tick then refuses.
    const input = status && { now, status, metrics: {}, modes: this.modes };
    return {
      name: o.name,
      running: this.running,
      ...(this.leading !== undefined ? { leading: this.leading } : {}),
      current: status?.target,
      desired: this.last?.desired,
      canScaleUp: input !== undefined && canScale(o, this.state, input, 'up'),
      canScaleDown: input !== undefined && canScale(o, this.state, input, 'down'),
      ...(paused ? { paused } : {}),
      ...(this.modes.override && this.modes.override.until > now ? { override: { ...this.modes.override } } : {}),
      lastDecision: this.last,
    };
  }

  /** Whether `start()` was called and `stop()` was not. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Sets the size by hand until a time (`untilMs`) or for a while (`forMs`); kept inside [min, max]. */
  override(replicas: number, options: { untilMs?: number; forMs?: number }): void {
    parseWith(z.number().int().min(0), replicas, 'core', 'override replicas', 'invalid-input');
    const o = parseWith(overrideSchema, options, 'core', 'override options', 'invalid-input');
    this.modes = { ...this.modes, override: { replicas, until: o.untilMs ?? this.clock.now() + (o.forMs as number) } };
  }

  /** Ends a manual override at once. */
  clearOverride(): void {
    const { override: _, ...rest } = this.modes;
    this.modes = rest;
  }

  /** Pauses all scaling, or only scale-in or scale-out. Decisions are still made and emitted. */
  pause(scope: 'all' | 'scaleIn' | 'scaleOut' = 'all'): void {
    parseWith(z.enum(['all', 'scaleIn', 'scaleOut']), scope, 'core', 'pause scope', 'invalid-input');
    this.modes = { ...this.modes, paused: scope };
  }

  /** Ends a pause. */
  resume(): void {
    const { paused: _, ...rest } = this.modes;
    this.modes = rest;
  }

  private fire(): void {
    if (!this.running) return;
    // Fixed rate: the next slot is set before this tick runs; a slot that finds a tick still busy is skipped.
    this.timer = this.clock.setTimeout(() => this.fire(), this.options.intervalMs);
    if (this.queued > 0) {
      this.logger.debug?.({}, 'tick skipped: the previous one is still running');
      return;
    }
    void this.settle(this.evaluate());
  }

  /**
   * A tick started by `start()` or a timer never rejects. Every failure the loop expects is already a hold with an
   * `error` event; what escapes (a logger that throws) is logged if it can be, and answered with a hold.
   */
  private settle(tick: Promise<Decision>): Promise<Decision> {
    return tick.catch((error) => {
      try {
        this.fail('listener', error);
      } catch {
        // The logger itself throws: nothing left to tell, and the hold below still answers.
      }
      return this.holdDecision('policy-error', `the tick failed: ${errorText(error)}: hold`);
    });
  }

  private async tick(): Promise<Decision> {
    const started = this.clock.now();
    const decision = (await this.leaderGate()) ?? (await this.decideAndAct());
    this.last = decision;
    this.emitSafe('tick', { decision, durationMs: this.clock.now() - started });
    return decision;
  }

  private async leaderGate(): Promise<Decision | undefined> {
    const leader = this.options.leader;
    if (!leader) return undefined;
    const leading = await withTimeout(this.clock, this.options.providerTimeoutMs, 'leader campaign', (s) => leader.campaign(s)).catch(
      (error) => {
        this.fail('leader', error);
        return false;
      },
    );
    this.setLeading(leading);
    if (leading) return undefined;
    return this.hold('not-leader', `not the leader (${leader.id}): another instance acts`);
  }

  private async decideAndAct(): Promise<Decision> {
    const o = this.options;
    let status: FleetStatus;
    try {
      const raw = await withTimeout(this.clock, o.providerTimeoutMs, `provider '${o.provider.name}' status`, (s) => o.provider.status(s));
      const parsed = parseWith(statusSchema, raw, 'core', `status from provider '${o.provider.name}'`, 'provider-failed');
      status = this.clampAhead(parsed, this.clock.now());
      this.lastStatus = status;
    } catch (error) {
      this.fail('provider', error, o.provider.name);
      return this.hold('provider-error', `could not read the fleet from '${o.provider.name}': ${errorText(error)}`);
    }
    const { metrics, problems } = await readMetrics(this.sources, this.clock, o.metricTimeoutMs, o.metricMaxAgeMs, o.signedMetrics);
    for (const p of problems) this.fail('metric', p.error, p.source);
    this.reportMissingKeys(metrics, problems);
    const input = { now: this.clock.now(), status, metrics, metricErrors: problems.map((p) => p.error.message), modes: this.modes };
    const { decision, state } = decide(o, this.state, input);
    this.state = state;
    this.emitSafe('decision', decision);
    this.logger.debug?.({ decision }, decision.reason);
    if (decision.to === decision.from || o.dryRun) {
      if (decision.to === decision.from) this.state = clearFailures(this.state);
      return decision;
    }
    try {
      await withTimeout(this.clock, o.providerTimeoutMs, `provider '${o.provider.name}' scaleTo(${decision.to})`, (signal) =>
        o.provider.scaleTo(decision.to, { reason: decision.reason, signal }),
      );
      const at = this.clock.now();
      this.state = recordScale(o, this.state, at, decision.from, decision.to);
      this.lastStatus = { ...status, target: decision.to };
      this.logger.info(
        { from: decision.from, to: decision.to, code: decision.code },
        `scaled ${decision.from} → ${decision.to}: ${decision.reason}`,
      );
      this.emitSafe('scaled', { at, from: decision.from, to: decision.to, code: decision.code, reason: decision.reason });
    } catch (error) {
      this.state = recordFailure(o, this.state, this.clock.now());
      this.fail('provider', error, o.provider.name);
    }
    return decision;
  }

  /**
   * A needed key that no source gave while every source answered (a failed source may be the one that has it). A key
   * some source declares, or one a reading held before, was dropped: a failure reported on every tick. A key no
   * reading has held yet and no source declares is most likely a typo: reported once, naming the keys the sources
   * gave.
   */
  private reportMissingKeys(metrics: Record<string, number>, problems: readonly MetricProblem[]): void {
    if (problems.some((p) => p.key === undefined)) return;
    const given = [...new Set([...Object.keys(metrics), ...problems.flatMap((p) => (p.key === undefined ? [] : [p.key]))])];
    for (const key of given) this.seenKeys.add(key);
    for (const key of this.neededKeys) {
      if (given.includes(key)) continue;
      if (this.declared.has(key) || this.seenKeys.has(key)) {
        const names = this.sources.map((s) => `'${s.name}'`).join(', ');
        this.fail('metric', fleetError('core', 'metric-failed', `no source gave metric '${key}' (sources: ${names})`));
      } else if (!this.reportedUnprovided.has(key)) {
        this.reportedUnprovided.add(key);
        this.fail('metric', fleetError('core', 'metric-failed', unprovidedKeyText(key, given)));
      }
    }
  }

  /**
   * A `lastScaledAt` after `now` (the backend's clock runs ahead) counts from when this instance first read it, with
   * one warning; taken as is, it would block scale-down until the clocks meet. Applied once, where the status is read.
   */
  private clampAhead(status: FleetStatus, now: number): FleetStatus {
    const reported = status.lastScaledAt;
    // Once seen ahead, the same event keeps the time it was first seen at, also after the clocks meet.
    if (reported !== undefined && this.aheadOfClock?.reported === reported) return { ...status, lastScaledAt: this.aheadOfClock.seenAt };
    if (reported === undefined || reported <= now) return status;
    if (this.aheadOfClock === undefined)
      this.logger.warn(
        { provider: this.options.provider.name, lastScaledAt: reported, now },
        `provider '${this.options.provider.name}' reports a scaling ${reported - now} ms in the future: its clock runs ahead of ours; cooldowns count from now`,
      );
    this.aheadOfClock = { reported, seenAt: now };
    return { ...status, lastScaledAt: this.aheadOfClock.seenAt };
  }

  private hold(code: DecisionCode, reason: string): Decision {
    const decision = this.holdDecision(code, reason);
    this.emitSafe('decision', decision);
    return decision;
  }

  private holdDecision(code: DecisionCode, reason: string): Decision {
    const size = this.lastStatus?.target ?? this.last?.to ?? 0;
    return { at: this.clock.now(), action: 'hold', from: size, to: size, desired: size, code, reason, metrics: {} };
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading || !this.options.leader) return;
    this.leading = leading;
    this.emitSafe('leader', { id: this.options.leader.id, leading });
  }

  private fail(phase: ErrorPhase, cause: unknown, source?: string): void {
    const error = toError(cause, 'core', phase === 'metric' ? 'metric-failed' : 'provider-failed');
    this.logger.warn({ phase, source, err: error }, `${phase} error${source ? ` (${source})` : ''}: ${error.message}`);
    // A throwing 'error' listener must not turn into a loop failure either.
    if (phase === 'listener') return;
    this.emitSafe('error', source === undefined ? { phase, error } : { phase, error, source });
  }

  private emitSafe<E extends keyof AutoscalerEvents>(event: E, ...args: Parameters<AutoscalerEvents[E]>): void {
    try {
      (this.emit as (e: E, ...a: unknown[]) => boolean)(event, ...args);
    } catch (error) {
      this.fail('listener', error);
    }
  }
}
