import type { Recommendation, RuleContext, Step } from './state.js';
import { duration } from './state.js';

/** Stabilization windows in ms. */
export interface Windows {
  up: number;
  down: number;
}

/**
 * HPA's stabilization: scale up only to the lowest desire seen within the up window, down only to the
 * highest desire within the down window (an entry exactly `window` ms old is outside it).
 * Returns the stabilized size and the history with `desired` stored: the last entry older than both windows
 * is replaced, else it is appended, so the history never outgrows the longest window.
 */
export function stabilize(
  current: number,
  desired: number,
  history: readonly Recommendation[],
  windows: Windows,
  now: number,
): { value: number; history: Recommendation[] } {
  let upRec = desired;
  let downRec = desired;
  let stale = -1;
  history.forEach((r, i) => {
    const age = now - r.at;
    if (age < windows.up) upRec = Math.min(upRec, r.value);
    if (age < windows.down) downRec = Math.max(downRec, r.value);
    if (age >= windows.up && age >= windows.down) stale = i;
  });
  const value = Math.min(Math.max(current, upRec), downRec);
  const next = [...history];
  if (stale >= 0) next[stale] = { at: now, value: desired };
  else next.push({ at: now, value: desired });
  return { value, history: next };
}

/** Rule 3 as a step. */
export function stabilizationStep(ctx: RuleContext, value: number): { step?: Step; history: Recommendation[] } {
  const windows = ctx.config.stabilization;
  const { value: stable, history: all } = stabilize(ctx.current, value, ctx.state.recommendations, windows, ctx.input.now);
  // HPA reuses one stale slot per tick; the loop also drops the other stale entries, so a burst of manual
  // evaluate() calls cannot leave the history larger than the windows need.
  const keep = Math.max(windows.up, windows.down);
  const history = all.filter((r) => ctx.input.now - r.at < keep || r.at === ctx.input.now);
  if (stable === value) return { history };
  const dir = value > stable ? 'up' : 'down';
  const bound = dir === 'up' ? 'lowest' : 'highest';
  return {
    history,
    step: {
      value: stable,
      code: 'stabilized',
      reason: `wants ${value}, but the ${bound} desire in the last ${duration(windows[dir])} (${dir} window) is ${stable === ctx.current ? `at most ${stable}` : stable}: ${stable}`,
    },
  };
}
