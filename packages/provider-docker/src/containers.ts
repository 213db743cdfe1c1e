import type Dockerode from 'dockerode';
import { GROUP_LABEL, INDEX_LABEL } from './template.js';

/** A container of the group, as the engine's list shows it. */
export interface GroupContainer {
  id: string;
  index: number;
  /** Engine state: created, running, restarting, paused, exited, dead, removing. */
  state: string;
  /** With a health check: starting, healthy or unhealthy. */
  health?: string;
  /** Creation time, ms since epoch (the engine gives seconds). */
  createdAt: number;
}

/** The list filter for one group's containers, stopped ones included. */
export const groupFilter = (group: string) => ({ all: true, filters: { label: [`${GROUP_LABEL}=${group}`] } });

// The list endpoint only gives health inside the human status line ("Up 3 seconds (health: starting)").
const healthOf = (status: string) => /\((healthy|unhealthy|health: starting)\)/.exec(status)?.[1]?.replace('health: ', '');

export function toGroupContainer(c: Dockerode.ContainerInfo): GroupContainer {
  const health = healthOf(c.Status ?? '');
  return {
    id: c.Id,
    index: Number(c.Labels?.[INDEX_LABEL] ?? 0),
    state: c.State,
    ...(health ? { health } : {}),
    createdAt: c.Created * 1000,
  };
}

/** Up and serving: running, and healthy when the image has a health check. */
export const isReady = (c: GroupContainer) => c.state === 'running' && (c.health === undefined || c.health === 'healthy');
/** On its way up: created and not started yet, restarting, or running while the health check has not passed yet. */
export const isStarting = (c: GroupContainer) =>
  c.state === 'created' || c.state === 'restarting' || (c.state === 'running' && c.health === 'starting');
/** Gone without being asked to: the provider replaces it. */
export const isDead = (c: GroupContainer) => c.state === 'exited' || c.state === 'dead';
