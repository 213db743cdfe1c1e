// Time from scaleTo(n) to n workers ready (status().ready === n), from 1 worker, median of RUNS runs.
// Threads get `execArgv: []`: otherwise they inherit this script's tsx loader, which Node runs again in each thread.
// Run under `flock /tmp/fleet-bench.lock pnpm --filter @fleet/provider-local bench`.
import { fileURLToPath } from 'node:url';
import { median, type Row, report } from '@fleet/bench-kit';
import type { ScalingProvider } from '@fleet/core';
import { processProvider, threadProvider } from '../dist/index.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const signal = new AbortController().signal;
const idle = fileURLToPath(new URL('../test/fixtures/idle.mjs', import.meta.url));
const thread = new URL('../test/fixtures/thread-idle.mjs', import.meta.url);

async function timeToReady(provider: ScalingProvider, n: number): Promise<number> {
  const ready = async (k: number) => {
    while ((await provider.status(signal)).ready !== k) await new Promise((r) => setTimeout(r, 2));
  };
  await provider.scaleTo(1, { reason: 'bench reset', signal });
  await ready(1);
  const started = performance.now();
  await provider.scaleTo(n, { reason: 'bench', signal });
  await ready(n);
  const took = performance.now() - started;
  await provider.scaleTo(1, { reason: 'bench reset', signal });
  return took;
}

const rows: Row[] = [];
const subjects: [string, () => ScalingProvider & { close(): Promise<void> }][] = [
  [
    '@fleet/provider-local processProvider',
    () => processProvider({ script: idle, max: 10, waitReady: true, output: 'ignore', drainTimeoutMs: 5_000 }),
  ],
  [
    '@fleet/provider-local threadProvider',
    () => threadProvider({ file: thread, max: 10, waitReady: true, drainTimeoutMs: 5_000, execArgv: [] }),
  ],
];
for (const [subject, make] of subjects) {
  for (const n of [4, 10]) {
    const provider = make();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await timeToReady(provider, n));
    await provider.close();
    rows.push({ subject, case: `scale-to-ready/1-to-${n}`, value: median(times), unit: 'ms' });
  }
}
report('provider-local', rows);
