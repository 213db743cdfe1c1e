// Runs one adversarial case through a real Autoscaler on a FakeClock and checks the invariants after every tick.
// An invariant that breaks throws an AssertionError naming the tick, so fast-check shrinks to the smallest case.
import assert from 'node:assert/strict';
import { Autoscaler, DECISION_CODES, type Decision, type MetricSource } from '../../src/index.js';
import { FakeClock, flushPromises } from '../../src/testing/index.js';
import {
  buildPolicy,
  FaultyFleet,
  KEYS,
  type Key,
  type OptionSpec,
  type PolicySpec,
  type Reading,
  type TickSpec,
  thrown,
} from './adversarial.js';

export interface Case {
  options: OptionSpec;
  policy: PolicySpec;
  initial: number;
  ticks: TickSpec[];
}

const T0 = Date.UTC(2026, 0, 5, 9, 0); // a Monday morning, so schedule windows open and close during a case
const METRIC_TIMEOUT_MS = 1_000;
const SECRET = /SECRET|:pw@/;

function source(key: Key, now: () => Reading): MetricSource {
  return {
    name: `source-${key}`,
    read: (signal) => {
      const r = now();
      switch (r.kind) {
        case 'value':
        case 'bad-value':
          return Promise.resolve({ [key]: r.value as number });
        case 'missing':
          return Promise.resolve({});
        case 'throw':
          return Promise.reject(thrown(r.what));
        case 'timeout':
          // Never answers; the Autoscaler's metric timeout aborts the read.
          return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      }
    },
  };
}

/** Whether a reading leaves its key without a usable value this tick. */
const isOutage = (r: Reading) => r.kind !== 'value';
/** Whether a reading is a failure the Autoscaler must report with an `error` event. */
const isFailure = (r: Reading) => r.kind === 'bad-value' || r.kind === 'throw' || r.kind === 'timeout';

export async function runCase(c: Case): Promise<void> {
  const clock = new FakeClock(T0);
  const fleet = new FaultyFleet(clock, c.initial);
  let readings = c.ticks[0]?.readings as Record<Key, Reading>;
  const policy = buildPolicy(c.policy);
  const scaler = new Autoscaler({
    ...c.options,
    clock,
    policy,
    provider: fleet,
    metrics: KEYS.map((k) => source(k, () => readings[k])),
    metricTimeoutMs: METRIC_TIMEOUT_MS,
  });
  const errors: { phase: string; source?: string; message: string }[] = [];
  scaler.on('error', (e) => errors.push({ phase: e.phase, ...(e.source ? { source: e.source } : {}), message: e.error.message }));
  const scaledAt: number[] = [];
  scaler.on('scaled', (e) => scaledAt.push(e.at));

  // What the Autoscaler may know of the last scaling event, for the cooldown invariant.
  let lastAny: number | undefined;
  let aheadUnseen: number | undefined;
  let paused: 'all' | 'scaleIn' | 'scaleOut' | undefined;
  let overrideUntil = Number.NEGATIVE_INFINITY;
  const outageKeys = [...new Set([...policy.keys, ...(c.options.activation ? [c.options.activation.metric] : [])])];
  // Keys some reading held so far, and keys missing before that which were reported once.
  const seen = new Set<string>();
  const reportedUnseen = new Set<string>();

  for (const [i, t] of c.ticks.entries()) {
    await clock.advance(t.dt);
    readings = t.readings;
    fleet.fault = t.provider;
    if (t.provider.kind === 'external') {
      fleet.target = t.provider.target;
      fleet.lastScaledAt = clock.now();
      fleet.lastScaleDirection = 'up';
      lastAny = clock.now();
    }
    if (t.provider.kind === 'clock-ahead') {
      fleet.lastScaledAt = clock.now() + t.provider.byMs;
      fleet.lastScaleDirection = 'up';
      aheadUnseen = fleet.lastScaledAt;
    }
    if (t.mode.kind === 'pause') {
      scaler.pause(t.mode.scope);
      paused = t.mode.scope;
    } else if (t.mode.kind === 'resume') {
      scaler.resume();
      paused = undefined;
    } else if (t.mode.kind === 'override') {
      scaler.override(t.mode.replicas, { forMs: t.mode.forMs });
      overrideUntil = clock.now() + t.mode.forMs;
    } else if (t.mode.kind === 'clear-override') {
      scaler.clearOverride();
      overrideUntil = Number.NEGATIVE_INFINITY;
    }

    errors.length = 0;
    const calls = fleet.scaleCalls;
    const statusReadAt = clock.now(); // the tick reads the provider first, before any metric timeout moves the clock
    let settled = false;
    const pending = scaler.evaluate().finally(() => {
      settled = true;
    });
    await flushPromises();
    // A read that never answers ends at the metric timeout; move the clock until the tick is over.
    while (!settled) await clock.advance(METRIC_TIMEOUT_MS);
    const d: Decision = await pending;
    const where = `tick ${i} at +${d.at - T0} ms: ${JSON.stringify({ ...d, metrics: undefined })}`;

    // Every tick yields a Decision whose code is in the closed union, and no secret in its reason.
    assert.ok(DECISION_CODES.includes(d.code), `${where}: code ${d.code} is not in DECISION_CODES`);
    assert.equal(d.action, d.to > d.from ? 'scale-up' : d.to < d.from ? 'scale-down' : 'hold', `${where}: action`);
    assert.doesNotMatch(d.reason, SECRET, `${where}: a secret in the reason`);

    const statusFailed = t.provider.kind === 'status-throws' || t.provider.kind === 'status-garbage';
    if (statusFailed) {
      assert.equal(d.code, 'provider-error', `${where}: a failed status read must hold with provider-error`);
      assert.equal(d.to, d.from, `${where}: a failed status read holds`);
      assert.ok(
        errors.some((e) => e.phase === 'provider'),
        `${where}: no provider error event for a failed status read`,
      );
    } else {
      if (aheadUnseen !== undefined) lastAny = Math.max(lastAny ?? Number.NEGATIVE_INFINITY, Math.min(aheadUnseen, statusReadAt));
      aheadUnseen = undefined;

      const b = policy.bounds?.(d.at);
      const lo = Math.min(Math.max(c.options.min, b?.min ?? 0), c.options.max);
      const hi = Math.max(Math.min(c.options.max, b?.max ?? c.options.max), lo);
      const escaped = d.from < lo || d.from > hi;
      const overridden = d.at < overrideUntil;

      // The target never leaves [min, max] except toward a bound.
      if (!escaped) assert.ok(d.to >= lo && d.to <= hi, `${where}: left [${lo}, ${hi}]`);
      else assert.ok(d.to >= Math.min(d.from, lo) && d.to <= Math.max(d.from, hi), `${where}: moved away from [${lo}, ${hi}]`);

      // No scale-down on a tick with a key in outage (fallback is the one configured exception, override a person's).
      const outage = outageKeys.some((k) => isOutage(readings[k as Key]));
      if (outage && c.options.onMetricError?.action !== 'fallback' && !overridden && !escaped)
        assert.ok(d.to >= d.from, `${where}: scaled down with ${outageKeys.filter((k) => isOutage(readings[k as Key]))} in outage`);

      // No scale-down inside the down cooldown of the last scaling event the Autoscaler could know of.
      if (d.to < d.from && !overridden && !escaped && lastAny !== undefined && c.options.cooldown?.down !== undefined)
        assert.ok(
          d.at - lastAny >= c.options.cooldown.down,
          `${where}: scaled down ${d.at - lastAny} ms after a scaling, cooldown ${c.options.cooldown.down}`,
        );

      // A pause holds in its direction, past every other rule.
      if (paused === 'all') assert.equal(d.to, d.from, `${where}: moved while paused`);
      if (paused === 'scaleIn') assert.ok(d.to >= d.from, `${where}: scaled in while scale-in is paused`);
      if (paused === 'scaleOut') assert.ok(d.to <= d.from, `${where}: scaled out while scale-out is paused`);

      // An error event for every failure: each failing source, each key no source gave, each failed scaleTo.
      for (const k of KEYS)
        if (isFailure(readings[k]))
          assert.ok(
            errors.some((e) => e.phase === 'metric' && e.source === `source-${k}`),
            `${where}: no error event for source-${k} (${readings[k].kind})`,
          );
      // A key no source gave is reported when every source answered (a failed source may be the one that had it):
      // on every tick once a reading held it, and once before that (no source declares its keys here).
      const sourceFailed = KEYS.some((k) => readings[k].kind === 'throw' || readings[k].kind === 'timeout');
      for (const k of outageKeys)
        if (readings[k as Key].kind === 'missing' && !sourceFailed && (seen.has(k) || !reportedUnseen.has(k))) {
          assert.ok(
            errors.some((e) => e.phase === 'metric' && e.message.includes(`'${k}'`)),
            `${where}: no error event for the missing key ${k}`,
          );
          if (!seen.has(k)) reportedUnseen.add(k);
        }
      if (!sourceFailed) for (const k of KEYS) if (readings[k].kind === 'value' || readings[k].kind === 'bad-value') seen.add(k);
      if (t.provider.kind === 'scale-throws' && fleet.scaleCalls > calls)
        assert.ok(
          errors.some((e) => e.phase === 'provider'),
          `${where}: no error event for a failed scaleTo`,
        );
    }
    const injected = statusFailed || t.provider.kind === 'scale-throws' || KEYS.some((k) => readings[k].kind !== 'value');
    if (!injected) assert.deepEqual(errors, [], `${where}: error events without a failure`);
    for (const e of errors) assert.doesNotMatch(e.message, SECRET, `${where}: a secret in an error event`);

    if (scaledAt.length > 0) lastAny = Math.max(lastAny ?? Number.NEGATIVE_INFINITY, ...scaledAt);
    scaledAt.length = 0;
  }
  await scaler.stop();
}
