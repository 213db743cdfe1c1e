import { type FleetError, fleetError } from '@fleet/core';
import type { Squatter } from './containers.js';
import { SCOPE } from './engine-error.js';

/**
 * Hands out the lowest indexes the group can use, one at a time, so that creates running at once never race for
 * a name. An index whose name a foreign container holds is passed over and remembered: creating there would fail
 * on every retry, and removing the container would destroy something that is not the group's.
 */
export function freeIndexes(group: string, used: Iterable<number>, squatters: readonly Squatter[]) {
  const taken = new Set(used);
  const foreign = new Map(squatters.map((s) => [s.index, s.name]));
  const passedOver: string[] = [];
  let next = 1;
  return {
    /** Names this allocation had to pass over, in index order. */
    passedOver,
    /** The next index to create. */
    take(): number {
      for (; ; next++) {
        if (taken.has(next)) continue;
        const name = foreign.get(next);
        if (name === undefined) return next++;
        passedOver.push(name);
      }
    },
    /** The name of `index` turned out to be taken (a create refused with 409 after the list was read). */
    lost(index: number): void {
      passedOver.push(`${group}-${index}`);
    },
  };
}

/** The error a scale-up reports after it reached its size on other indexes: it names each container in the way. */
export function squattedError(group: string, names: readonly string[]): FleetError {
  const unique = [...new Set(names)];
  const one = unique.length === 1;
  return fleetError(
    SCOPE,
    'provider-failed',
    `${unique.join(', ')}: ${one ? 'holds a name' : 'hold names'} of group ${group} without being ${one ? 'one' : 'some'} of its ` +
      `containers (a member is named ${group}-<index> and labelled fleet.group=${group}, fleet.index=<index>); left alone, ` +
      `and the group took the next free ${one ? 'index' : 'indexes'} instead: rename or remove ${one ? 'it' : 'them'}`,
  );
}
