import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/**
 * The watchdog's program, run with `node -e` so it needs no file of its own in the build. It reads the server's
 * current pid from its stdin, one line each time the server starts (0 when stopped). Its stdin is a pipe from the
 * host, which the kernel closes however the host ends, SIGKILL included: then it stops that server (SIGINT, fast
 * shutdown; SIGKILL after 10 s) and removes the server's folder. A pid is acted on only while its command line
 * still names that folder, so a pid the system gave to another process since is left alone.
 */
const WATCHDOG = `
const { readFileSync, rmSync } = require('node:fs');
const dir = process.argv[1];
let pid = 0;
let rest = '';
const ours = (p) => {
  try {
    const stat = readFileSync('/proc/' + p + '/stat', 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return readFileSync('/proc/' + p + '/cmdline', 'utf8').includes(dir);
  } catch (error) {
    if (process.platform === 'linux') return false;
    try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; }
  }
};
const signal = (p, s) => { try { process.kill(p, s); } catch {} };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
process.stdin.on('data', (chunk) => {
  const lines = (rest + chunk).split('\\n');
  rest = lines.pop();
  for (const line of lines) pid = Number(line) || 0;
});
process.stdin.on('end', async () => {
  if (pid > 0 && ours(pid)) {
    signal(pid, 'SIGINT');
    for (let i = 0; i < 200 && ours(pid); i++) await sleep(50);
    if (ours(pid)) signal(pid, 'SIGKILL');
    for (let i = 0; i < 100 && ours(pid); i++) await sleep(50);
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
process.stdin.resume();
`;

/** The host's end of a watchdog: tell it the server's pid, or let it go once the server is cleaned up. */
export interface Watchdog {
  /** The server now runs as `pid` (0: stopped). */
  track(pid: number): void;
  /** The host cleaned up itself: the watchdog finds nothing to stop, removes `dir` if still there, and exits. */
  release(): void;
}

/**
 * Ties a server and its folder `dir` to this process: a small detached node process that stops the server and
 * removes `dir` when this process ends without doing so (a crash, SIGKILL, a test runner that gave up). Detached,
 * so a signal to this process group does not take it down before it has cleaned up; unreferenced, so it never
 * keeps this process alive.
 */
export function startWatchdog(dir: string): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG, dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true, env: {} });
  const input = child.stdin as Writable & { unref?: () => void };
  // A watchdog that is gone must not crash the host with EPIPE.
  child.on('error', () => {});
  input.on('error', () => {});
  child.unref();
  input.unref?.();
  return {
    track: (pid) => {
      if (!input.destroyed) input.write(`${pid}\n`);
    },
    release: () => {
      input.end();
    },
  };
}
