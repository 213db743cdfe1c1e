import { describe, expect, it } from 'vitest';
import { didYouMean, didYouMeanText, unknownKeyText } from '../src/index.js';

const AUTOSCALER_KEYS = ['name', 'metrics', 'provider', 'policy', 'min', 'max', 'intervalMs', 'cooldown', 'stabilization', 'retry'];

describe('didYouMean', () => {
  it.each([
    ['cooldwon', 'cooldown'], // two neighbours swapped: one edit
    ['colldown', 'cooldown'], // a letter changed
    ['cooldow', 'cooldown'], // a letter dropped
    ['cooldownn', 'cooldown'], // a letter added
    ['intervalMS', 'intervalMs'], // another case
    ['Policy', 'policy'],
    ['stabilisation', 'stabilization'],
    ['polcy', 'policy'],
  ])('suggests the known key closest to %s', (given, expected) => {
    expect(didYouMean(given, AUTOSCALER_KEYS)).toBe(expected);
  });

  it.each([
    ['x', ['up', 'down']], // one letter: any key would be two edits away
    ['ab', ['up', 'down']], // two edits is as many as the key has letters
    ['timeout', AUTOSCALER_KEYS], // more than two edits from everything
    ['cooldown', ['cooldown']], // the same key is not a suggestion
  ])('suggests nothing for %s', (given, known) => {
    expect(didYouMean(given, known)).toBeUndefined();
  });

  it('prefers fewer edits, then the first known key on a tie', () => {
    expect(didYouMean('mn', ['max', 'min'])).toBe('min');
    expect(didYouMean('mix', ['max', 'min'])).toBe('max');
  });

  it.each([
    ['perWroker', ['metric', 'perWorker', 'scaleUpAbove'], 'perWorker'],
    ['waitRedy', ['waitReady', 'readyGraceMs'], 'waitReady'],
    ['valus', ['values', 'name'], 'values'],
    ['maxx', ['min', 'max', 'name'], 'max'],
    ['FLEET_TOKN', ['FLEET_MAX', 'FLEET_TOKEN'], 'FLEET_TOKEN'],
    ['celTarget', ['ceilTarget', 'utilization'], 'ceilTarget'],
  ])("the CLI's typos: %s → %s", (given, known, expected) => {
    expect(didYouMean(given, known)).toBe(expected);
  });

  it.each([
    ['foo', ['max', 'min']],
    ['prometheus', ['policy', 'provider']],
  ])('and what is not a typo: %s', (given, known) => {
    expect(didYouMean(given, known)).toBeUndefined();
  });

  it('reads known keys from any iterable', () => {
    expect(didYouMean('donw', new Set(['up', 'down']))).toBe('down');
  });
});

describe('didYouMeanText', () => {
  it('phrases the suggestion, or says nothing', () => {
    expect(didYouMeanText('cooldwon', ['cooldown'])).toBe(' (did you mean `cooldown`?)');
    expect(didYouMeanText('zzz', ['cooldown'])).toBe('');
  });
});

describe('unknownKeyText', () => {
  it('names the key and the suggestion', () => {
    expect(unknownKeyText('perWroker', ['metric', 'perWorker'])).toBe('unknown key `perWroker` (did you mean `perWorker`?)');
  });

  it('lists a short list of known keys when none is close', () => {
    expect(unknownKeyText('zzz', ['up', 'down'])).toBe('unknown key `zzz` (expected `up`, `down`)');
  });

  it('names only the key when the known keys are many or unknown', () => {
    expect(unknownKeyText('zzzz', AUTOSCALER_KEYS)).toBe('unknown key `zzzz`');
    expect(unknownKeyText('zzzz', [])).toBe('unknown key `zzzz`');
  });
});
