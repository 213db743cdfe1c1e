import { afterAll, beforeAll } from 'vitest';
import type { DockerProviderOptions } from '../../src/index.js';
import { startDockerd, TEST_IMAGE, type TestEngine, whyNoDockerd } from './dockerd.js';

/**
 * Why this machine cannot run the engine tests, or undefined. Outside CI they are skipped with that reason;
 * in CI (CI=true) a skip would hide a missing install step, so it fails instead.
 */
export const noEngine = await whyNoDockerd();
if (noEngine && process.env.CI === 'true') throw new Error(`[provider-docker tests] CI=true but no dockerd can run: ${noEngine}`);
if (noEngine) console.warn(`[provider-docker tests] skipped: ${noEngine}`);

/** Starts an isolated dockerd before the file's tests and tears it down after; `engine()` is it. */
export function useEngine(): () => TestEngine {
  let engine: TestEngine | undefined;
  beforeAll(async () => {
    if (!noEngine) engine = await startDockerd();
  }, 60_000);
  afterAll(() => engine?.stop(), 60_000);
  return () => {
    if (!engine) throw new Error('no test engine');
    return engine;
  };
}

/** The group's running containers as the engine lists them (the test's own client). */
export async function running(engine: TestEngine, group: string) {
  const list = await engine.docker.listContainers({
    filters: { label: [`fleet.group=${group}`], status: ['running', 'created', 'restarting'] },
  });
  return list.sort((a, b) => a.Created - b.Created);
}

/** Removes every container of `group`, whatever its state. */
export async function removeGroup(engine: TestEngine, group: string) {
  const list = await engine.docker.listContainers({ all: true, filters: { label: [`fleet.group=${group}`] } });
  await Promise.all(
    list.map((c) =>
      engine.docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => {}),
    ),
  );
}

/** A dockerProvider's options for a test group on `engine`: the test image, no network, a 1 s drain unless given. */
export function groupOptions(
  engine: TestEngine,
  group: string,
  bounds: { min: number; max: number; drainTimeoutMs?: number },
): DockerProviderOptions {
  return {
    group,
    template: { image: TEST_IMAGE, networkMode: 'none' },
    docker: { socketPath: engine.socket },
    drainTimeoutMs: 1_000,
    ...bounds,
  };
}

/** A container made by someone else, with whatever name and labels they gave it; started unless `start` is false. */
export async function createOutsider(engine: TestEngine, name: string, labels: Record<string, string>, start = true) {
  const c = await engine.docker.createContainer({ name, Image: TEST_IMAGE, Labels: labels, HostConfig: { NetworkMode: 'none' } });
  if (start) await c.start();
  return c;
}

/** What the engine says of a container: the same id, state and start time mean nobody touched it. */
export async function fingerprint(engine: TestEngine, name: string) {
  const i = await engine.docker.getContainer(name).inspect();
  return { id: i.Id, status: i.State.Status, startedAt: i.State.StartedAt, finishedAt: i.State.FinishedAt };
}
