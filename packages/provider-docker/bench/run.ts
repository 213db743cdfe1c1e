// Time from a scale request to n containers running, from 1, median of RUNS runs: dockerProvider beside what S1
// ran by hand, one `docker run -d` per worker, one after the other, timed the same way (from the first command to
// n containers running in the engine's list). Both on one isolated dockerd started here, with the same image and
// NetworkMode none. Run under `flock /tmp/fleet-bench.lock pnpm --filter @fleet/provider-docker bench`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median, type Row, report } from '@fleet/bench-kit';
import { dockerProvider } from '../dist/index.js';
import { startDockerd, TEST_IMAGE, whyNoDockerd } from '../test/support/dockerd.js';

const why = await whyNoDockerd();
if (why) {
  console.error(`provider-docker bench: cannot start an isolated dockerd: ${why}`);
  process.exit(1);
}
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const signal = new AbortController().signal;
const engine = await startDockerd();
const run = promisify(execFile);
const { stdout: cliVersion } = await run('docker', ['--version']);

const runningIn = async (group: string) =>
  (await engine.docker.listContainers({ filters: { label: [`fleet.group=${group}`], status: ['running'] } })).length;
const waitRunning = async (group: string, n: number) => {
  while ((await runningIn(group)) !== n) await new Promise((r) => setTimeout(r, 5));
};
const removeAbove1 = async (group: string) => {
  const list = await engine.docker.listContainers({ all: true, filters: { label: [`fleet.group=${group}`] } });
  await Promise.all(
    list.filter((c) => c.Labels['fleet.index'] !== '1').map((c) => engine.docker.getContainer(c.Id).remove({ force: true })),
  );
};
const dockerRun = (group: string, i: number) =>
  run(
    'docker',
    ['-H', `unix://${engine.socket}`, 'run', '-d', '--network', 'none', '--name', `${group}-${i}`].concat([
      '--label',
      `fleet.group=${group}`,
      '--label',
      `fleet.index=${i}`,
      '-e',
      `WORKER_ID=${i}`,
      TEST_IMAGE,
    ]),
  );

const provider = dockerProvider({
  group: 'bp',
  template: { image: TEST_IMAGE, networkMode: 'none' },
  docker: { socketPath: engine.socket },
  max: 20,
});
const cases = [
  { subject: '@fleet/provider-docker', group: 'bp', scale: (n: number) => provider.scaleTo(n, { reason: 'bench', signal }) },
  {
    subject: 'docker-run',
    group: 'bc',
    scale: async (n: number) => {
      for (let i = 2; i <= n; i++) await dockerRun('bc', i);
    },
  },
];
const rows: Row[] = [];
try {
  await provider.scaleTo(1, { reason: 'bench', signal });
  await dockerRun('bc', 1);
  for (const n of [5, 20]) {
    for (const c of cases) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await removeAbove1(c.group);
        await waitRunning(c.group, 1);
        const started = performance.now();
        await c.scale(n);
        await waitRunning(c.group, n);
        times.push(performance.now() - started);
      }
      rows.push({ subject: c.subject, case: `scale-to-running/1-to-${n}`, value: median(times), unit: 'ms' });
      console.log(`${c.subject} 1→${n}: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    }
  }
} finally {
  await engine.stop();
}
console.log(`peer: ${cliVersion.trim()}, sequential \`docker run -d\` per worker`);
report('provider-docker', rows, (r) =>
  r.subject === 'docker-run' ? undefined : rows.find((p) => p.subject === 'docker-run' && p.case === r.case),
);
