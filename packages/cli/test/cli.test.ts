import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const EXAMPLES = new URL('../examples/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));

// A stand-in for S2's admin API: the mailbox count the daemon reads over HTTP.
let api: Server;
let apiUrl: string;
beforeAll(async () => {
  api = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ mailboxes: 850 })));
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/stats`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const fleet = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  exec(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

/** Starts `fleet run`, collecting its JSON log lines. */
function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, 'run', ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      lines.push(JSON.parse(buffer.slice(0, i)));
      buffer = buffer.slice(i + 1);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = async (event: string) => {
    for (let i = 0; i < 200; i++) {
      const found = lines.find((l) => l.event === event);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no '${event}' log line; got ${JSON.stringify(lines)}`);
  };
  return { child: child as ChildProcess, lines, exited, waitFor };
}

const s2 = (extra: Record<string, unknown> = {}) => ({
  name: 'mail-warmup',
  max: 100,
  intervalMs: 60_000,
  cooldown: { up: 300_000, down: 600_000 },
  policy: { type: 'utilization', metric: 'mailboxes', capacityPerWorker: 1000, scaleUpAbove: 0.8, scaleDownBelow: 0.3 },
  metrics: [{ type: 'httpJson', url: apiUrl, path: { mailboxes: 'mailboxes' } }],
  provider: { type: 'memory', initial: 1 },
  status: { port: 0, token: 'env:ADMIN_TOKEN', basePath: '/api/auto-scaler' },
  ...extra,
});

describe('fleet run', () => {
  it('starts from a JSON file, logs decisions, serves status, and stops cleanly on SIGTERM', async () => {
    const file = join(dir, 's2.json');
    writeFileSync(file, JSON.stringify(s2()));
    const run = start([file], { ADMIN_TOKEN: 'a-long-enough-admin-token' });
    const started = await run.waitFor('started');
    const decision = await run.waitFor('decision');
    expect(decision).toMatchObject({
      level: 'info',
      action: 'scale-up',
      from: 1,
      to: 2,
      code: 'policy',
      msg: '850 mailboxes / (1 worker × 1000) = 85 % > 80 %: +1 → 2',
    });
    const status = await (await fetch(started.statusUrl as string)).json();
    expect(status).toMatchObject({ enabled: true, current: 2, config: { name: 'mail-warmup', provider: 'memory' } });
    const trigger = await fetch(String(started.statusUrl).replace(/status$/, 'trigger'), {
      method: 'POST',
      headers: { authorization: 'Bearer a-long-enough-admin-token' },
    });
    expect(await trigger.json()).toMatchObject({ from: 2, to: 2, code: 'within-tolerance' }); // 850 / 2000 = 42.5 %
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.lines[run.lines.length - 1]).toMatchObject({ event: 'stopped' });
  });

  it('starts from FLEET_* environment variables', async () => {
    const env = {
      FLEET_NAME: 'from-env',
      FLEET_MAX: '10',
      FLEET_POLICY__TYPE: 'ceilTarget',
      FLEET_POLICY__METRIC: 'mailboxes',
      FLEET_POLICY__PER_WORKER: '500',
      FLEET_POLICY__SCALE_UP_ABOVE: '800',
      FLEET_POLICY__SCALE_DOWN_BELOW: '200',
      FLEET_METRICS__0__TYPE: 'httpJson',
      FLEET_METRICS__0__URL: apiUrl,
      FLEET_METRICS__0__PATH: 'mailboxes',
      FLEET_PROVIDER__TYPE: 'memory',
    };
    const run = start([], env);
    expect(await run.waitFor('decision')).toMatchObject({ from: 1, to: 2, code: 'policy' });
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('a wrong key or type exits 2 with one line naming the key and the file', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(s2({ cooldown: { down: 'ten minutes' }, status: undefined })));
    const r = await fleet(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`fleet: ${file}: cooldown.down: expected an integer >= 0, got "ten minutes" (string)`]);
    const typo = join(dir, 'typo.json');
    writeFileSync(typo, JSON.stringify(s2({ maxx: 5, status: undefined })));
    expect((await fleet(['check', typo])).stderr.trim()).toBe(`fleet: ${typo}: unknown key \`maxx\` (did you mean \`max\`?)`);
  });

  it('names the key of a policy option, an env variable, and a package that is not installed', async () => {
    const file = join(dir, 'policy.json');
    writeFileSync(
      file,
      JSON.stringify(s2({ policy: { type: 'utilization', metric: 'm', capacityPerWorker: -1, scaleUpAbove: 0.8, scaleDownBelow: 0.3 } })),
    );
    const bad = await fleet(['run', file], { ADMIN_TOKEN: 'a-long-enough-admin-token' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(new RegExp(`^fleet: ${file}: policy: invalid utilization\\(\\) options: capacityPerWorker: `));
    const env = await fleet(['check'], { FLEET_MAX: '"ten"' });
    expect(env.stderr.trim()).toMatch(/^fleet: FLEET_: FLEET_POLICY: /);
    const doQueue = join(dir, 'do-queue.json');
    const queue = { type: 'doQueue', url: 'http://127.0.0.1:1', token: 'a-long-enough-token', queue: 'q' };
    writeFileSync(doQueue, JSON.stringify(s2({ metrics: [queue], status: undefined })));
    const missing = await fleet(['run', doQueue]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`fleet: ${doQueue}: metrics.0: metric type 'doQueue' needs @fleet/queue-do: npm i @fleet/queue-do`);
  });

  // The example configs name their workers' scripts (`./worker.js`), which are yours: checked next to stand-ins.
  const examples = join(dir, 'examples');
  mkdirSync(examples);
  for (const script of ['worker.js', 'server.js', 'gateway-worker.js']) writeFileSync(join(examples, script), '');
  // S1's Kubernetes provider reads a kubeconfig when it is built (and connects to nothing until it is used).
  const kubeconfig = join(examples, 'kubeconfig.yaml');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user: { token: 'a-token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    }),
  );
  const exampleEnv = { DATABASE_URL: 'postgres://127.0.0.1/x', ADMIN_TOKEN: 'a-long-enough-admin-token', KUBECONFIG: kubeconfig };

  it.each(readdirSync(EXAMPLES))('the example config %s is valid next to its worker script', async (name) => {
    const copy = join(examples, name);
    copyFileSync(join(EXAMPLES, name), copy);
    const r = await fleet(['check', copy], exampleEnv);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`fleet: ${copy}: ok`);
  });

  it('checked where it lies, an example names the script it lacks, as written and where it led', async () => {
    const file = join(EXAMPLES, 's0-ai-bot-pm2.yaml');
    const r = await fleet(['check', file], exampleEnv);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `fleet: ${file}: provider: script: ./worker.js (resolved to ${join(EXAMPLES, 'worker.js')}): no such file`,
    );
  });
});
