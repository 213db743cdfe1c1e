import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cli } from '../src/cli.js';

// `fleet check` builds what `fleet run` builds: the same problems, all at once, with paths read from the config's
// folder, and nothing started.
const exec = promisify(execFile);
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const SPY = new URL('./fixtures/spawn-spy.mjs', import.meta.url).pathname;
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'fleet-check-')));
const elsewhere = join(dir, 'elsewhere');
mkdirSync(elsewhere);
writeFileSync(join(dir, 'worker.js'), 'setInterval(() => {}, 1 << 30);\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  max: 10,
  policy: { type: 'ceilTarget', metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 },
  metrics: [{ type: 'fixed', values: { pending: 12 } }],
  provider: { type: 'process', script: './worker.js', max: 10 },
};
const config = (name: string, content: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const fleet = (args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; spy?: boolean } = {}) =>
  exec(process.execPath, [...(options.spy ? ['--import', SPY] : []), BIN, ...args], {
    cwd: options.cwd ?? elsewhere,
    env: { PATH: process.env.PATH, ...options.env },
    timeout: 30_000,
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe('fleet check and fleet run share one path', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    [
      'a typo in a policy option',
      { policy: { ...base.policy, perWorker: undefined, perWroker: 5 } },
      'policy: invalid ceilTarget() options',
    ],
    ['a string for a number', { policy: { ...base.policy, scaleUpAbove: '8' } }, 'scaleUpAbove'],
    ['a duration as text', { provider: { ...base.provider, drainTimeoutMs: '3s' } }, 'drainTimeoutMs'],
    ['a typo in a provider option', { provider: { ...base.provider, waitRedy: true } }, 'waitRedy'],
    ['a script that does not exist', { provider: { ...base.provider, script: './wroker.js' } }, './wroker.js'],
    ['a status token too short', { status: { port: 0, token: 'short' } }, 'status: invalid statusHandler options: token'],
    ['a typo in the Autoscaler options', { cooldown: { donw: 1 } }, 'cooldown'],
    ['a max above the provider', { max: 20 }, 'max (20) is above provider'],
  ];

  it.each(cases)('%s: check refuses it with the very line run prints', async (_, change, names) => {
    const file = config('case.json', { ...base, ...change });
    const checked = await fleet(['check', file]);
    const ran = await fleet(['run', file]);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toContain(`fleet: ${file}: `);
    expect(checked.stderr).toContain(names);
    expect(checked.stderr.trim().split('\n')).toHaveLength(1);
    expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: checked.code, stderr: checked.stderr });
  });

  it('reports every independent problem at once, one line each, in the order of the config', async () => {
    const file = config('many.json', {
      ...base,
      maxx: 3,
      cooldown: { donw: 1 },
      status: { port: 0, token: 'short' },
      policy: { ...base.policy, type: 'ceilTraget' },
      metrics: [{ type: 'fixed', valus: { pending: 1 } }, ...base.metrics],
      provider: { ...base.provider, waitRedy: true },
    });
    const r = await fleet(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `fleet: ${file}: unknown key \`maxx\` (did you mean \`max\`?)`,
      `fleet: ${file}: policy: type: unknown policy type "ceilTraget" (did you mean \`ceilTarget\`?): expected one of ceilTarget, utilization, thresholds, targetTracking, queueLatency, combine, schedule`,
      `fleet: ${file}: metrics.0: values: expected { key: number, … }; unknown key \`valus\` (did you mean \`values\`?)`,
      // Worded by the factories themselves (core's option errors): only what they name is pinned here.
      expect.stringMatching(new RegExp(`^fleet: ${file}: provider: invalid processProvider\\(\\) options: .*"?waitRedy`)),
      expect.stringMatching(new RegExp(`^fleet: ${file}: cooldown: .*"?donw`)),
      `fleet: ${file}: status: invalid statusHandler options: token: expected a token of at least 16 characters, got (a string of 5 characters, hidden)`,
    ]);
  });

  it('names a nested policy that is wrong, and the keys of a schedule it does not know', async () => {
    const inner = { type: 'utilization', metric: 'pending', capacityPerWorker: 5, scaleUpAbove: 0.8, scaleDownBelow: 0.3 };
    const file = config('nested.json', {
      ...base,
      policy: { type: 'schedule', windws: [], policy: { type: 'combine', policies: [inner, { ...inner, stpe: 2 }] } },
    });
    const r = await fleet(['check', file]);
    expect(r.stderr.trim()).toMatch(
      new RegExp(
        `^fleet: ${file}: policy: policy: policies\\.1: invalid utilization\\(\\) options: [^;]*stpe[^;]*; unknown key \`windws\` \\(did you mean \`windows\`\\?\\)$`,
      ),
    );
  });
});

describe('paths in a config', () => {
  it('resolve against the config file’s folder, not the current directory', async () => {
    const file = config('relative.json', { ...base, provider: { ...base.provider, cwd: '.' } });
    expect((await fleet(['check', file], { cwd: elsewhere })).stdout.trim()).toBe(`fleet: ${file}: ok`);
    expect((await fleet(['check', 'relative.json'], { cwd: dir })).stdout.trim()).toBe('fleet: relative.json: ok');
  });

  it('a script or folder that does not exist names the key, the path as written and where it led', async () => {
    const file = config('missing.json', { ...base, provider: { ...base.provider, script: './wroker.js', cwd: 'work' } });
    const r = await fleet(['check', file]);
    expect(r.stderr.trim()).toBe(
      `fleet: ${file}: provider: script: ./wroker.js (resolved to ${join(dir, 'wroker.js')}): no such file; ` +
        `cwd: work (resolved to ${join(dir, 'work')}): no such folder`,
    );
    const absolute = config('absolute.json', { ...base, provider: { ...base.provider, script: join(dir, 'nope.js') } });
    expect((await fleet(['check', absolute])).stderr.trim()).toBe(
      `fleet: ${absolute}: provider: script: ${join(dir, 'nope.js')}: no such file`,
    );
  });

  it('from FLEET_* variables resolve against the current directory', async () => {
    const env = {
      FLEET_MAX: '10',
      FLEET_POLICY__TYPE: 'targetTracking',
      FLEET_POLICY__METRIC: 'pending',
      FLEET_POLICY__AVERAGE_VALUE: '5',
      FLEET_METRICS__0__TYPE: 'fixed',
      FLEET_METRICS__0__VALUES: '{"pending":1}',
      FLEET_PROVIDER__TYPE: 'process',
      FLEET_PROVIDER__SCRIPT: './worker.js',
    };
    expect((await fleet(['check'], { env, cwd: dir })).stdout.trim()).toBe('fleet: FLEET_: ok');
    expect((await fleet(['check'], { env, cwd: elsewhere })).stderr.trim()).toBe(
      `fleet: FLEET_: FLEET_PROVIDER: script: ./worker.js (resolved to ${join(elsewhere, 'worker.js')}): no such file`,
    );
  });
});

/** How many timers, sockets, servers and child processes this process holds, by kind. */
function held(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (/Timeout|TCP|Process|Pipe/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('fleet check starts nothing', () => {
  // The local providers start their first workers just after the factory returns; check closes the provider in the
  // same turn it is made, so they never start.
  it('no worker process or thread, for a provider that starts two of them when it runs', async () => {
    writeFileSync(join(dir, 'thread.mjs'), '');
    for (const provider of [
      { ...base.provider, min: 2 },
      { type: 'thread', file: './thread.mjs', min: 2, max: 10 },
    ]) {
      const file = config('starts.json', { ...base, min: 2, provider });
      const r = await fleet(['check', file], { spy: true });
      expect({ stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ stdout: `fleet: ${file}: ok`, stderr: '' });
    }
    // Nor does run, when the config fails in a later part: the provider is closed in the turn it was made.
    const failing = config('fails-later.json', {
      ...base,
      min: 2,
      provider: { ...base.provider, min: 2 },
      status: { port: 0, token: 'short' },
    });
    const refused = await fleet(['run', failing], { spy: true });
    expect(refused.code).toBe(2);
    expect(refused.stderr).not.toContain('spawned');
    // The spy does see what run starts: the same config's two workers.
    const file = config('starts.json', { ...base, min: 2, provider: { ...base.provider, min: 2 } });
    const run = spawn(process.execPath, ['--import', SPY, BIN, 'run', file], { cwd: elsewhere, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    run.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    for (let i = 0; i < 200 && stderr.split('spawned: fork').length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    run.kill('SIGTERM');
    expect(await new Promise((resolve) => run.on('exit', resolve))).toBe(0);
    expect(stderr.trim().split('\n')).toEqual([`spawned: fork ${join(dir, 'worker.js')}`, `spawned: fork ${join(dir, 'worker.js')}`]);
  });

  it('no timer, socket or process left in this process, with sources that hold them while they run', async () => {
    const file = config('sources.json', {
      ...base,
      provider: { type: 'memory' },
      metrics: [
        { type: 'process' },
        { type: 'postgresQueue', connectionString: 'postgres://127.0.0.1:1/x', queue: 'jobs' },
        { type: 'sql', connectionString: 'postgres://127.0.0.1:1/x', query: 'select 1 as pending' },
      ],
      prometheus: { port: 0 },
      status: { port: 0 },
    });
    const before = held();
    const out: string[] = [];
    // Timers as the test's: one left behind (even unref'd, which no resource count shows) is still counted.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate'] });
    try {
      expect(await cli(['check', file], { out: (line) => out.push(line), env: {} })).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    expect(out).toEqual([`fleet: ${file}: ok`]);
    // Other tests' children may still be closing: only what this check could have added counts.
    const after = held();
    expect(Object.keys(after).filter((kind) => (after[kind] ?? 0) > (before[kind] ?? 0))).toEqual([]);
  });
});
