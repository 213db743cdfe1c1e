// Time from a scale request to n workers ready, from 1 worker, median of RUNS runs: pm2Provider (named and
// instances modes) beside what S0 and S4 ran by hand, the pm2 command line (`pm2 restart <name>` per worker, one
// after the other, and `pm2 scale <app> <n>`). Ready = online in PM2's list with wait_ready (the worker sent 'ready').
// Run under `flock /tmp/fleet-bench.lock pnpm --filter @fleet/provider-pm2 bench`.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median, type Row, report } from '@fleet/bench-kit';
import { pm2Provider } from '../dist/index.js';
import { deleteApps, startTestDaemon } from '../test/support/daemon.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const signal = new AbortController().signal;
const script = fileURLToPath(new URL('../test/fixtures/idle.cjs', import.meta.url));
const pm2Bin = join(dirname(createRequire(import.meta.url).resolve('pm2/package.json')), 'bin', 'pm2');
const run = promisify(execFile);
const daemon = await startTestDaemon();
const cli = (...args: string[]) => run(process.execPath, [pm2Bin, ...args], { env: { ...process.env, PM2_HOME: daemon.home } });

const online = async (match: (name: string) => boolean) =>
  (await daemon.list()).filter((p) => match(p.name ?? '') && p.pm2_env?.status === 'online').length;
const waitOnline = async (match: (name: string) => boolean, n: number) => {
  while ((await online(match)) !== n) await new Promise((r) => setTimeout(r, 5));
};

type Case = {
  subject: string;
  app: string;
  match: (name: string) => boolean;
  reset: () => Promise<void>;
  scale: (n: number) => Promise<void>;
};
const common = { script, max: 10, waitReady: true, readyGraceMs: 10_000, drainTimeoutMs: 5_000, pm2Home: daemon.home } as const;
const named = pm2Provider({ mode: 'named', name: 'bn', ...common });
const inst = pm2Provider({ mode: 'instances', name: 'bi', execMode: 'fork', ...common });
const scaleBy = (p: typeof named) => (n: number) => p.scaleTo(n, { reason: 'bench', signal });
const isNamed = (prefix: string) => (name: string) => name.startsWith(`${prefix}-`);
const cases: Case[] = [
  { subject: '@fleet/provider-pm2 named', app: 'bn', match: isNamed('bn'), reset: () => scaleBy(named)(1), scale: scaleBy(named) },
  {
    subject: 'pm2 CLI: pm2 restart per worker',
    app: 'bn',
    match: isNamed('bn'),
    reset: () => scaleBy(named)(1),
    scale: async (n) => {
      for (let i = 2; i <= n; i++) await cli('restart', `bn-${i}`);
    },
  },
  {
    subject: '@fleet/provider-pm2 instances (fork)',
    app: 'bi',
    match: (x) => x === 'bi',
    reset: () => scaleBy(inst)(1),
    scale: scaleBy(inst),
  },
  {
    subject: 'pm2 CLI: pm2 scale',
    app: 'bi',
    match: (x) => x === 'bi',
    reset: () => scaleBy(inst)(1),
    scale: async (n) => {
      await cli('scale', 'bi', String(n));
    },
  },
];

// Register every named app once (stopped above 1), so the CLI peer restarts existing apps as S0 did.
await scaleBy(named)(10);
await scaleBy(named)(1);
const rows: Row[] = [];
try {
  for (const n of [4, 10]) {
    for (const c of cases) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await c.reset();
        await waitOnline(c.match, 1);
        const started = performance.now();
        await c.scale(n);
        await waitOnline(c.match, n);
        times.push(performance.now() - started);
      }
      rows.push({ subject: c.subject, case: `scale-to-ready/1-to-${n}`, value: median(times), unit: 'ms' });
      console.log(`${c.subject} 1→${n}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    }
  }
} finally {
  await named.close();
  await inst.close();
  await deleteApps(daemon, 'bn');
  await deleteApps(daemon, 'bi');
  await daemon.stop();
}
const peerOf: Record<string, string> = {
  '@fleet/provider-pm2 named': 'pm2 CLI: pm2 restart per worker',
  '@fleet/provider-pm2 instances (fork)': 'pm2 CLI: pm2 scale',
};
report('provider-pm2', rows, (r) => rows.find((p) => p.subject === peerOf[r.subject] && p.case === r.case));
