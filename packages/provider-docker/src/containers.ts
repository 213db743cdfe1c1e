import type Dockerode from 'dockerode';
import { GROUP_LABEL, INDEX_LABEL } from './template.js';

/** A container of the group, as the engine's list shows it. */
export interface GroupContainer {
  id: string;
  /** `<group>-<index>`. */
  name: string;
  index: number;
  /** Engine state: created, running, restarting, paused, exited, dead, removing. */
  state: string;
  /** With a health check: starting, healthy or unhealthy. */
  health?: string;
  /** Creation time, ms since epoch (the engine gives seconds). */
  createdAt: number;
}

/** A container outside the group that holds one of the group's names: the provider never touches it. */
export interface Squatter {
  id: string;
  name: string;
  index: number;
}

// Group names are letters, digits, ".", "-" and "_" (checked by the options): only "." means something in a regex.
const namePattern = (group: string) => `^/${group.replaceAll('.', '\\.')}-[1-9][0-9]*$`;

/**
 * The list query for every container that could be one of the group's: the engine matches the name filter as a
 * regular expression against `/<name>`. Filtering by name rather than by the group label is what keeps a container
 * that merely carries the label (`billing-cron` with `fleet.group=<group>`) out of the group.
 */
export const groupQuery = (group: string) => ({ all: true, filters: { name: [namePattern(group)] } });

// The list endpoint only gives health inside the human status line ("Up 3 seconds (health: starting)").
const healthOf = (status: string) => /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1]?.replace('health: ', '');

/**
 * Splits the engine's list into the group's members and squatters. A container is a member only when its name is
 * `<group>-<index>` and its labels say `fleet.group=<group>` and `fleet.index=<index>`: a label alone can be copied
 * onto anything (by a compose file, by hand), and the provider stops and removes what it counts as its own.
 * A container with a member's name but other labels is a squatter. Anything else is not the group's business.
 */
export function sortOut(group: string, list: Dockerode.ContainerInfo[]): { members: GroupContainer[]; squatters: Squatter[] } {
  const members: GroupContainer[] = [];
  const squatters: Squatter[] = [];
  const prefix = `/${group}-`;
  for (const c of list) {
    // The engine matched the filter already; this check is exact whatever the engine's matching does.
    const name = c.Names?.find((n) => n.startsWith(prefix) && /^[1-9][0-9]*$/.test(n.slice(prefix.length)));
    if (!name) continue;
    const index = name.slice(prefix.length);
    const entry = { id: c.Id, name: name.slice(1), index: Number(index) };
    if (c.Labels?.[GROUP_LABEL] !== group || c.Labels?.[INDEX_LABEL] !== index) {
      squatters.push(entry);
      continue;
    }
    const health = healthOf(c.Status ?? '');
    members.push({ ...entry, state: c.State, ...(health ? { health } : {}), createdAt: c.Created * 1000 });
  }
  return { members: members.sort((a, b) => a.index - b.index), squatters };
}

/** Up and serving: running, and healthy when the image has a health check. */
export const isReady = (c: GroupContainer) => c.state === 'running' && (c.health === undefined || c.health === 'healthy');
/** On its way up: created and not started yet, restarting, or running while the health check has not passed yet. */
export const isStarting = (c: GroupContainer) =>
  c.state === 'created' || c.state === 'restarting' || (c.state === 'running' && c.health === 'starting');
/** Gone without being asked to: the provider replaces it. */
export const isDead = (c: GroupContainer) => c.state === 'exited' || c.state === 'dead';
