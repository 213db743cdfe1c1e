import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresQueue } from '@fleet/queue-postgres';
import { type EmbeddedPostgres, startPostgres } from '@fleet/queue-postgres/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// `fleet run` with each shipped example config, on engines that run here: an embedded PostgreSQL, a PM2 daemon in
// its own PM2_HOME, local processes, and a stand-in for the HTTP endpoints the S3/S4 configs read. Each config is
// copied into a work folder with its fixed ports (8080, 9464, the app's 3000) replaced by free ones, next to idle
// stand-ins for the worker scripts it names (which its relative paths find there, whatever the current directory).
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const TOKEN = 'a-long-enough-admin-token';
const work = mkdtempSync(join(tmpdir(), 'fleet-run-examples-'));
const pm2Home = mkdtempSync(join(tmpdir(), 'fleet-run-pm2-'));
let server: EmbeddedPostgres;
let app: Server;
let appHost: string;

const IDLE_WORKER = `const t = setInterval(() => {}, 1 << 30);
const stop = () => { clearInterval(t); process.exit(0); };
process.once('SIGINT', stop); process.once('SIGTERM', stop); process.send?.('ready');`;
const CLUSTER_APP = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', () => process.send?.('ready'));
process.once('SIGINT', () => process.exit(0));`;

beforeAll(async () => {
  server = await startPostgres();
  const db = new pg.Client({ connectionString: server.url });
  await db.connect();
  await db.query('create table mailboxes (id serial primary key, active boolean not null default true)');
  await db.query('insert into mailboxes (active) select true from generate_series(1, 2500)');
  await db.end();
  const queue = postgresQueue({ connectionString: server.url, queue: 'ai_bot_messages' });
  await queue.migrate();
  await queue.enqueue(Array.from({ length: 12 }, (_, i) => ({ payload: { text: `message ${i}` } })));
  await queue.close();
  // S3's gateway load endpoint and S4's app metrics, as the configs read them.
  app = createServer((req, res) =>
    res.end(JSON.stringify(req.url === '/internal/load' ? { load: 80, cpu: 20, latencyMs: 5, queue: 0 } : { latency: { p95: 400 } })),
  );
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appHost = `127.0.0.1:${(app.address() as AddressInfo).port}`;
  for (const name of ['worker.js', 'warmup-worker.js', 'gateway-worker.js']) writeFileSync(join(work, name), IDLE_WORKER);
  writeFileSync(join(work, 'server.js'), CLUSTER_APP);
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => app?.close(resolve));
  await server?.destroy();
  // The PM2 daemon the configs started (it keeps PM2 apps running after the daemon form stops, by design).
  try {
    const pid = Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  } catch {} // no PM2 config ran
  rmSync(pm2Home, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}, 30_000);

const alive = (pid: number) => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};

/** Processes running a stand-in script, from /proc. */
const workers = (script: string) =>
  readdirSync('/proc').filter((pid) => {
    try {
      return /^\d+$/.test(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(work, script));
    } catch {
      return false;
    }
  });

/** Every `fleet run` started, so a failed test still stops its daemon (and the daemon its workers). */
const runs: ChildProcess[] = [];
afterEach(() => {
  for (const child of runs.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

function fleetRun(file: string) {
  const child = spawn(process.execPath, [BIN, 'run', file], {
    cwd: tmpdir(), // not the configs' folder: their relative paths resolve against their own folder
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: server.url, ADMIN_TOKEN: TOKEN, PM2_HOME: pm2Home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (let i = out.indexOf('\n'); i >= 0; i = out.indexOf('\n')) {
      lines.push(JSON.parse(out.slice(0, i)));
      out = out.slice(i + 1);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (event: string) => {
    for (let i = 0; i < 400; i++) {
      const found = lines.find((l) => l.event === event);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no '${event}' log line; stderr: ${err}; lines: ${JSON.stringify(lines)}`);
  };
  return { child, lines, exited, waitFor, stderr: () => err };
}

// No Kubernetes cluster or Docker engine runs workers here: the copies of S1 and S2 run theirs as local processes
// (`fleet check` in cli.test.ts builds their providers as written); the rest of each config runs as shipped.
const LOCAL_PROVIDER = '{ type: process, script: ./warmup-worker.js, min: 1, max: 100, drainTimeoutMs: 30000 }';

const expectations: Record<string, { decision: RegExp; status: boolean; metrics?: boolean; localWorker?: string; localProvider?: string }> =
  {
    's0-ai-bot-pm2.yaml': { decision: /ready over|below min/, status: true },
    's1-mail-warmup-manual.yaml': {
      decision: /mailboxes 2500/,
      status: true,
      localWorker: 'warmup-worker.js',
      localProvider: LOCAL_PROVIDER,
    },
    's2-mail-warmup.yaml': { decision: /2500 mailboxes/, status: true, localWorker: 'warmup-worker.js', localProvider: LOCAL_PROVIDER },
    's3-gateway.json': { decision: /load|below min/, status: true, localWorker: 'gateway-worker.js' },
    's4-pm2-cluster.ts': { decision: /p95LatencyMs|below min/, status: false, metrics: true },
  };

describe('fleet run with each example config', () => {
  it('every shipped config has a case here', () => {
    expect(readdirSync(EXAMPLES).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.keys(expectations))(
    '%s: starts, logs decisions, serves status, stops cleanly on SIGTERM within the drain timeout',
    async (name) => {
      const expected = expectations[name] as (typeof expectations)[string];
      let text = readFileSync(join(EXAMPLES, name), 'utf8')
        .replace(/("?port"?): (8080|9464)/g, '$1: 0')
        .replaceAll('127.0.0.1:3000', appHost);
      if (expected.localProvider) text = text.replace(/^provider: .*$/m, `provider: ${expected.localProvider}`);
      const file = join(work, name);
      writeFileSync(file, text);
      const run = fleetRun(file);
      runs.push(run.child);
      const started = await run.waitFor('started');
      const decision = await run.waitFor('decision');
      expect(decision.msg).toMatch(expected.decision);
      if (expected.status) {
        const status = await fetch(started.statusUrl as string);
        expect(status.status).toBe(200);
        expect(await status.json()).toMatchObject({ enabled: true, config: { name: expect.any(String) } });
        if (name.startsWith('s1')) {
          // Recommends 3 and never acts: one worker runs.
          expect(decision).toMatchObject({ code: 'dry-run', from: 1, to: 3 });
          expect(workers('warmup-worker.js')).toHaveLength(1);
        }
      }
      if (expected.metrics) expect(await (await fetch(started.metricsUrl as string)).text()).toContain('fleet_');
      const sigterm = Date.now();
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      expect(Date.now() - sigterm).toBeLessThan(30_000); // shutdownTimeoutMs, the drain timeout of these configs
      expect(run.lines[run.lines.length - 1]).toMatchObject({ event: 'stopped' });
      expect(run.stderr()).toBe('');
      // Local workers stop with the daemon; PM2's stay with their daemon (stopped in afterAll).
      if (expected.localWorker) {
        for (let i = 0; i < 50 && workers(expected.localWorker).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
        expect(workers(expected.localWorker)).toEqual([]);
      }
    },
    60_000,
  );
});
