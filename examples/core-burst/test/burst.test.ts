import { FakeClock } from '@fleet/core/testing';
import { expect, it } from 'vitest';
import { runBurst } from '../burst.js';

it('16 messages then 50 more: up to 4, up to the max of 10, back to 1 once the queue is empty, every decision printed', async () => {
  const clock = new FakeClock();
  const lines: string[] = [];
  const burst = runBurst({ clock, print: (line) => lines.push(line) });
  let result: Awaited<typeof burst.done> | undefined;
  void burst.done.then((r) => {
    result = r;
  });
  // A minute of the story at most, a quarter second at a time.
  for (let i = 0; i < 240 && !result; i++) await clock.advance(250);
  if (!result) throw new Error(`the burst did not drain within a minute:\n${lines.join('\n')}`);

  const [first] = result.decisions;
  expect(first).toMatchObject({ action: 'scale-up', from: 1, to: 4, code: 'policy' });
  expect(first?.reason).toBe('16 pending over 1 worker = 16/worker > 8: ceil(16/5) = 4');
  // The second wave asks for more than the maximum.
  expect(result.decisions.find((d) => d.from === 4 && d.to === 10)).toMatchObject({ code: 'at-max' });
  expect(result.decisions.every((d) => d.to >= 1 && d.to <= 10)).toBe(true);
  // The scale-down waits out the cooldown, then goes straight back to one worker.
  expect(result.decisions.some((d) => d.code === 'cooldown')).toBe(true);
  expect(result.decisions.at(-1)).toMatchObject({ action: 'scale-down', to: 1 });
  expect(result.scaleCalls).toEqual([4, 10, 1]);
  expect(result.pending).toBe(0);
  // "about 10 s" on the clock the story runs on.
  expect(result.drainedAfterMs).toBeGreaterThanOrEqual(8_000);
  expect(result.drainedAfterMs).toBeLessThanOrEqual(12_000);

  // One line per decision, each with its code and reason; the second wave; the closing summary.
  for (const d of result.decisions)
    expect(lines.filter((l) => l.includes(` ${d.code} `) && l.endsWith(d.reason)).length).toBeGreaterThan(0);
  expect(lines.filter((l) => / {2}workers /.test(l))).toHaveLength(result.decisions.length);
  expect(lines).toContain('  4.0 s  +50 messages');
  expect(lines.at(-1)).toBe('\ndrained in 10.0 s; scale calls: 4 → 10 → 1');
  // Nothing left running.
  expect(clock.pendingTimers).toBe(0);
});
