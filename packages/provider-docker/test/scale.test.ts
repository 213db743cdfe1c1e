import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerProvider } from '../src/index.js';
import { TEST_IMAGE, until } from './support/dockerd.js';
import { noEngine, removeGroup, running, useEngine } from './support/engine.js';

const signal = new AbortController().signal;
const marksOf = (dir: string, index: number) => {
  try {
    return readFileSync(join(dir, `w${index}.log`), 'utf8')
      .trim()
      .split('\n');
  } catch {
    return [];
  }
};

describe.skipIf(noEngine)('dockerProvider: real containers', () => {
  const engine = useEngine();
  afterEach(async () => {
    for (const group of ['steps', 'drain', 'kill', 'health']) await removeGroup(engine(), group);
  });

  it('scales 0 → 5 → 2 → 0: names, labels and WORKER_ID per index; scale-in keeps the lowest indexes', async () => {
    const provider = dockerProvider({
      group: 'steps',
      template: { image: TEST_IMAGE, networkMode: 'none', env: { MODE: 'test' }, labels: { team: 'mail' } },
      docker: { socketPath: engine().socket },
      min: 0,
      max: 5,
      drainTimeoutMs: 1_000,
      workerIdEnv: 'WARMUP_WORKER_ID',
    });
    await provider.scaleTo(5, { reason: 'test', signal });
    let list = await running(engine(), 'steps');
    expect(list.map((c) => c.Names[0]).sort()).toEqual(['/steps-1', '/steps-2', '/steps-3', '/steps-4', '/steps-5']);
    const inspected = await engine()
      .docker.getContainer(list[0]?.Id as string)
      .inspect();
    const index = inspected.Config.Labels['fleet.index'];
    expect(inspected.Config.Labels).toMatchObject({ 'fleet.group': 'steps', team: 'mail' });
    expect(inspected.Config.Env).toEqual(expect.arrayContaining(['MODE=test', `WARMUP_WORKER_ID=${index}`]));
    expect(inspected.HostConfig.NetworkMode).toBe('none');
    expect(await until(async () => (await provider.status(signal)).ready === 5)).toBe(true);

    await provider.scaleTo(2, { reason: 'test', signal });
    list = await running(engine(), 'steps');
    expect(list.map((c) => c.Names[0]).sort()).toEqual(['/steps-1', '/steps-2']);
    // Stopped ones are removed, not left behind as exited containers.
    expect(await engine().docker.listContainers({ all: true, filters: { label: ['fleet.group=steps'] } })).toHaveLength(2);
    expect(await provider.status(signal)).toMatchObject({ target: 2, ready: 2, starting: 0, lastScaleDirection: 'down' });

    await provider.scaleTo(0, { reason: 'test', signal });
    expect(await engine().docker.listContainers({ all: true, filters: { label: ['fleet.group=steps'] } })).toHaveLength(0);
    expect(await provider.status(signal)).toMatchObject({ target: 0, ready: 0, starting: 0 });
  });

  // Workers whose job takes `drainSeconds` after SIGTERM; each group records in its own folder.
  const draining = (group: string, drainSeconds: number, drainTimeoutMs: number, max: number) => {
    const marks = join(engine().marks, group);
    mkdirSync(marks);
    const provider = dockerProvider({
      group,
      template: { image: TEST_IMAGE, networkMode: 'none', env: { DRAIN_SECONDS: String(drainSeconds) }, binds: [`${marks}:/marks`] },
      docker: { socketPath: engine().socket },
      min: 0,
      max,
      drainTimeoutMs,
    });
    return { provider, file: (index: number) => marksOf(marks, index) };
  };

  it('a container stopped during a long job gets SIGTERM and its drain time, then is removed', async () => {
    const { provider, file } = draining('drain', 2, 5_000, 2);
    await provider.scaleTo(2, { reason: 'test', signal });
    expect(await until(() => file(2).includes('start'))).toBe(true);
    const started = Date.now();
    await provider.scaleTo(1, { reason: 'test', signal });
    const took = Date.now() - started;
    // Worker 2 (the newest) got SIGTERM, finished its 2 s job, and exited on its own before the 5 s limit.
    expect(file(2)).toEqual(['start', 'sigterm', 'drained']);
    expect(took).toBeGreaterThanOrEqual(2_000);
    expect(file(1)).toEqual(['start']);
    expect((await running(engine(), 'drain')).map((c) => c.Names[0])).toEqual(['/drain-1']);
  });

  it('a job longer than the drain timeout is cut by SIGKILL once the drain time is over', async () => {
    const { provider, file } = draining('kill', 30, 1_000, 1);
    await provider.scaleTo(1, { reason: 'test', signal });
    expect(await until(() => file(1).includes('start'))).toBe(true);
    const started = Date.now();
    await provider.scaleTo(0, { reason: 'test', signal });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(file(1)).toEqual(['start', 'sigterm']); // never 'drained'
    expect(await running(engine(), 'kill')).toHaveLength(0);
  });

  it('with a health check, a container is starting until the engine reports it healthy, and never ready while unhealthy', async () => {
    // One group, two templates: the health check exits with `code`.
    const withCheck = (code: number) =>
      dockerProvider({
        group: 'health',
        template: {
          image: TEST_IMAGE,
          networkMode: 'none',
          healthcheck: { test: ['CMD', '/bin/sh', '-c', `exit ${code}`], intervalMs: 1_000, retries: 1 },
        },
        docker: { socketPath: engine().socket },
        min: 0,
        max: 2,
        drainTimeoutMs: 1_000,
      });
    const provider = withCheck(0);
    await provider.scaleTo(1, { reason: 'test', signal });
    expect(await provider.status(signal)).toMatchObject({ target: 1, ready: 0, starting: 1 });
    expect(await until(async () => (await provider.status(signal)).ready === 1, 10_000)).toBe(true);

    // One more from a template whose check fails: it stays counted in target, neither ready nor starting.
    const failing = withCheck(1);
    await failing.scaleTo(2, { reason: 'test', signal });
    const unhealthy = async () =>
      (await engine().docker.listContainers({ filters: { label: ['fleet.group=health'], health: ['unhealthy'] } })).length;
    expect(await until(async () => (await unhealthy()) === 1, 10_000)).toBe(true);
    expect(await failing.status(signal)).toMatchObject({ target: 2, ready: 1, starting: 0 });
  });
});
