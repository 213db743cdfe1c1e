import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';

const run = promisify(execFile);
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value or `ms` passes; returns the last value. */
export async function until<T>(check: () => T | Promise<T>, ms = 10_000, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (value || Date.now() > deadline) return value as T;
    await sleep(every);
  }
}

/** The image the tests run: busybox plus `fixtures/entry.sh`, made offline with an import. */
export const TEST_IMAGE = 'fleet-test:1';
const BUSYBOX = '/bin/busybox';
const SYSTEM_CONTAINERD = '/run/containerd/containerd.sock';

/**
 * An isolated dockerd for one test file: its own data root, exec root, pid file and socket in a temporary folder,
 * no bridge, no iptables, so nothing else on the host is touched. `docker` is the test's own client: the second
 * path to the engine's container list, never the provider.
 */
export interface TestEngine {
  dir: string;
  socket: string;
  /** Host folder mounted at /marks in test containers, where the entrypoint records its signals. */
  marks: string;
  docker: Dockerode;
  pid(): number | undefined;
  /** Stops the daemon by its pid (as an outage would) and leaves the folder for `start()`. */
  halt(): Promise<void>;
  /** Starts the daemon again on the same folder. */
  start(): Promise<void>;
  /** Runs the docker CLI against this daemon. */
  cli(...args: string[]): Promise<string>;
  /** Teardown: the daemon stopped by its pid, leftover mounts unmounted, the folder removed. */
  stop(): Promise<void>;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const readPid = (file: string) => {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
};

/**
 * containerd's shims outlive their daemon by design (so containers survive a restart): at teardown, the ones this
 * daemon started (their `-address` is in our folder) and the containers under them are ended by pid.
 */
export function killShims(dir: string): number[] {
  const ours: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd[0]?.endsWith('containerd-shim-runc-v2') && cmd.some((arg) => arg.startsWith(`${dir}/`))) ours.push(pid);
    } catch {}
  }
  const children = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  // A container's first process is its pid namespace's init: ending it ends everything in the container.
  for (const pid of [...ours.flatMap(children), ...ours]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return ours;
}

async function stopPid(pid: number | undefined) {
  if (pid === undefined || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (!(await until(() => !alive(pid), 20_000, 50))) process.kill(pid, 'SIGKILL');
  await until(() => !alive(pid), 5_000, 50);
}

/** Why an isolated dockerd cannot run here, or undefined when it can be tried. */
export async function whyNoDockerd(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `dockerd runs on Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'an isolated dockerd needs root (run the tests as root)';
  const found = await run('sh', ['-c', 'command -v dockerd']).catch(() => undefined);
  if (!found) return 'dockerd is not installed: run scripts/install-docker.sh (Debian: apt-get install docker.io busybox-static)';
  if (!existsSync(BUSYBOX)) return `${BUSYBOX} is missing: apt-get install busybox-static (the test image is built from it)`;
  return undefined;
}

export async function startDockerd(): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const marks = join(dir, 'marks');
  mkdirSync(marks);
  const args = [
    ...['--data-root', join(dir, 'root'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'dockerd.pid')],
    ...['-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip-forward=false', '--ip-masq=false'],
    ...['--shutdown-timeout', '3', '--log-level', 'warn'],
  ];
  let containerdPid: number | undefined;
  // dockerd uses a system containerd when one runs: start one of our own in the folder instead.
  if (existsSync(SYSTEM_CONTAINERD)) {
    const address = join(dir, 'containerd.sock');
    const log = openSync(join(dir, 'containerd.log'), 'a');
    const child = spawn('containerd', ['--root', join(dir, 'containerd'), '--state', join(dir, 'containerd-state'), '--address', address], {
      stdio: ['ignore', log, log],
    });
    containerdPid = child.pid;
    if (!(await until(() => existsSync(address), 10_000, 50))) throw new Error(`containerd did not start: see ${dir}/containerd.log`);
    args.push('--containerd', address);
  }
  const docker = new Dockerode({ socketPath: socket });
  const pidFile = join(dir, 'dockerd.pid');
  const pid = () => readPid(pidFile);
  const start = async () => {
    const log = openSync(join(dir, 'dockerd.log'), 'a');
    const child = spawn('dockerd', args, { stdio: ['ignore', log, log] });
    child.on('error', () => {});
    const up = await until(() => docker.ping().then(() => true), 20_000, 50);
    if (!up) {
      if (child.pid) await stopPid(child.pid);
      throw new Error(`dockerd did not answer on ${socket} within 20 s: ${readFileSync(join(dir, 'dockerd.log'), 'utf8').slice(-2000)}`);
    }
  };
  const halt = async () => {
    const daemon = pid();
    const managed = readPid(join(dir, 'exec', 'containerd', 'containerd.pid'));
    await stopPid(daemon);
    await stopPid(managed); // dockerd stops its containerd, unless it was killed
  };
  const engine: TestEngine = {
    dir,
    socket,
    marks,
    docker,
    pid,
    halt,
    start,
    cli: async (...cliArgs) => (await run('docker', ['-H', `unix://${socket}`, ...cliArgs])).stdout,
    async stop() {
      await halt();
      await stopPid(containerdPid);
      const shims = killShims(dir);
      await until(() => shims.every((pid) => !alive(pid)), 5_000, 50);
      const mounts = readFileSync('/proc/mounts', 'utf8')
        .split('\n')
        .map((line) => line.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
        .filter((m) => m.startsWith(dir))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) await run('umount', ['-l', m]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await start();
    await importTestImage(engine);
  } catch (error) {
    await engine.stop();
    throw error;
  }
  return engine;
}

/** Builds TEST_IMAGE with no registry: a root filesystem of busybox and the entrypoint, imported as a tar. */
async function importTestImage(engine: TestEngine): Promise<void> {
  const rootfs = join(engine.dir, 'rootfs');
  mkdirSync(join(rootfs, 'bin'), { recursive: true });
  mkdirSync(join(rootfs, 'tmp'));
  copyFileSync(BUSYBOX, join(rootfs, 'bin', 'busybox'));
  for (const tool of ['sh', 'sleep', 'echo', 'cat', 'date', 'true', 'false', 'ls']) symlinkSync('busybox', join(rootfs, 'bin', tool));
  copyFileSync(fileURLToPath(new URL('../fixtures/entry.sh', import.meta.url)), join(rootfs, 'bin', 'entry'));
  chmodSync(join(rootfs, 'bin', 'entry'), 0o755);
  const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [repo, tag] = TEST_IMAGE.split(':');
  const stream = await engine.docker.importImage(tar.stdout, { repo, tag, changes: 'ENTRYPOINT ["/bin/entry"]' } as object);
  await new Promise<void>((resolve, reject) =>
    engine.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
  rmSync(rootfs, { recursive: true, force: true });
}
