import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../src/closest.js';

describe('closest', () => {
  it.each([
    ['cooldwon', ['cooldown', 'stabilization'], 'cooldown'], // two letters swapped: one edit
    ['donw', ['up', 'down'], 'down'],
    ['perWroker', ['metric', 'perWorker', 'scaleUpAbove'], 'perWorker'],
    ['waitRedy', ['waitReady', 'readyGraceMs'], 'waitReady'],
    ['valus', ['values', 'name'], 'values'],
    ['maxx', ['min', 'max', 'name'], 'max'],
    ['MAX', ['min', 'max'], 'max'], // only the case differs
    ['FLEET_TOKN', ['FLEET_MAX', 'FLEET_TOKEN'], 'FLEET_TOKEN'],
    ['celTarget', ['ceilTarget', 'utilization'], 'ceilTarget'],
  ])('%s → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it.each([
    ['foo', ['max', 'min']], // within two edits, but nothing of the word is left
    ['prometheus', ['policy', 'provider']],
    ['ab', ['xy']],
    ['max', ['max']], // the word itself is no suggestion
    ['anything', []],
  ])('%s → nothing close', (word, candidates) => {
    expect(closest(word, candidates)).toBeUndefined();
  });

  it('prefers the nearest candidate, then the first', () => {
    expect(closest('stpe', ['steps', 'step'])).toBe('step');
    expect(closest('ab', ['ac', 'ad'])).toBe('ac');
  });

  it('didYouMean phrases it, or says nothing', () => {
    expect(didYouMean('cooldwon', ['cooldown'])).toBe(' (did you mean `cooldown`?)');
    expect(didYouMean('zzz', ['cooldown'])).toBe('');
  });
});
