import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type ProcessProvider, processProvider } from '../src/index.js';
// @ts-expect-error: a plain-JS test fixture without types
import { startQueueServer } from './support/http-queue.mjs';
import { childrenRunning, until } from './support/proc.js';

interface QueueServer {
  url: string;
  queue: { enqueue(jobs: unknown): Promise<string[]>; stats(): Promise<Record<string, number>> };
  events: { type: string; id?: string; workerId?: string; at: number }[];
  claims: { id: string; workerId: string; at: number }[];
  completes: { id: string; at: number }[];
  close(): Promise<void>;
}

const script = fileURLToPath(new URL('./fixtures/queue-worker.mjs', import.meta.url));
const request = () => ({ reason: 'test', signal: new AbortController().signal });
const TARGET = 3;
const JOBS = 60;
let provider: ProcessProvider | undefined;
let server: QueueServer | undefined;
afterEach(async () => {
  await provider?.close();
  await server?.close();
});

/** How many times each id appears. */
const tally = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe('under faults: a worker SIGKILLed while jobs flow', () => {
  it('loses no job, completes none twice, re-runs the killed job after its lease, and the fleet returns to its target', async () => {
    const s = (await startQueueServer()) as QueueServer;
    server = s;
    const p = processProvider({
      script,
      name: 'fault',
      max: TARGET,
      output: 'ignore',
      restart: { baseMs: 100 },
      env: { QUEUE_URL: s.url, JOB_MS: '300', LEASE_MS: '2000' },
    });
    provider = p;
    const spawns: { workerId: string; pid: number | undefined; at: number }[] = [];
    const exits: { workerId: string; signal: string | null; expected: boolean }[] = [];
    p.on('spawn', ({ workerId, pid }) => spawns.push({ workerId, pid, at: Date.now() }));
    p.on('exit', ({ workerId, signal, expected }) => exits.push({ workerId, signal, expected }));
    await p.scaleTo(TARGET, request());
    const ids = await s.queue.enqueue(Array.from({ length: JOBS }, (_, i) => ({ payload: { i } })));
    expect(await until(() => s.completes.length >= 10, 30_000)).toBe(true);

    // The victim: a job that started less than 100 ms ago (of 300), so its worker still holds it when killed.
    const victim = await until(
      () => {
        const now = Date.now();
        const done = new Set(s.events.filter((e) => e.type === 'done').map((e) => e.id));
        return s.events.find((e) => e.type === 'start' && !done.has(e.id) && now - e.at < 100);
      },
      10_000,
      5,
    );
    expect(victim).toBeDefined();
    const { id: victimId = '', workerId: victimWorker = '' } = victim ?? {};
    const pid = [...spawns].reverse().find((e) => e.workerId === victimWorker)?.pid;
    expect(pid).toBeDefined();
    const killedAt = Date.now();
    process.kill(pid as number, 'SIGKILL');

    expect(await until(() => new Set(s.completes.map((c) => c.id)).size === JOBS, 60_000)).toBe(true);
    expect(await until(async () => (await p.status(request().signal)).ready === TARGET, 10_000)).toBe(true);
    expect(childrenRunning(script)).toHaveLength(TARGET); // the OS's view

    // The ledger is the queue server's own record of claims and successful completes, not the workers' word.
    const completes = tally(s.completes.map((c) => c.id));
    const claims = tally(s.claims.map((c) => c.id));
    const lost = ids.filter((id) => !completes.has(id)).length;
    const duplicateCompletes = [...completes.values()].filter((n) => n > 1).length;
    const reRun = [...claims].filter(([, n]) => n > 1).map(([id]) => id);
    const victimClaims = s.claims.filter((c) => c.id === victimId);
    const respawn = spawns.find((e) => e.workerId === victimWorker && e.at >= killedAt);
    const stats = await s.queue.stats();
    expect({ lost, duplicateCompletes }).toEqual({ lost: 0, duplicateCompletes: 0 });
    expect(reRun).toContain(victimId);
    expect(reRun).toHaveLength(stats.redeliveredTotal as number);
    expect(victimClaims).toHaveLength(2);
    expect(victimClaims[1]?.at).toBeGreaterThan(killedAt);
    expect(exits).toContainEqual({ workerId: victimWorker, signal: 'SIGKILL', expected: false });
    expect(respawn?.pid).not.toBe(pid);
    expect(stats).toMatchObject({ completedTotal: JOBS, ready: 0, running: 0, dead: 0 });
    console.log(
      `under faults: ${JOBS} jobs, ${TARGET} workers, 1 SIGKILLed mid-job: lost ${lost}, duplicate completes ` +
        `${duplicateCompletes}, re-runs ${reRun.length} (after the 2 s lease, ${(victimClaims[1]?.at ?? 0) - killedAt} ms ` +
        `after the kill), replaced ${(respawn?.at ?? 0) - killedAt} ms after the kill, fleet back to ${TARGET} ready`,
    );
  }, 90_000);
});
