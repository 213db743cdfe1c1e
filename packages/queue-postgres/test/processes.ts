import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));

/** A worker process (test/fixtures/worker.ts) and the JSON lines it prints. */
export interface WorkerProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  /** Resolves once `count` lines matching `test` arrived. */
  waitFor(count: number, test?: (line: Record<string, unknown>) => boolean): Promise<void>;
  exited: Promise<unknown>;
}

export function spawnWorker(
  mode: 'fleet' | 'naive' | 'hang' | 'ledger',
  url: string,
  queue: string,
  concurrency: number,
  leaseMs = 30_000,
  handlerMs = 0,
): WorkerProcess {
  const args = [script, mode, url, queue, String(concurrency), String(leaseMs), String(handlerMs)];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(JSON.parse(line));
    for (const l of [...listeners]) l();
  });
  const exited = once(child, 'exit');
  return {
    child,
    lines,
    exited,
    waitFor(count, test = () => true) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (lines.filter(test).length >= count) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        exited.then(() => reject(new Error(`worker ${child.pid} exited before printing ${count} lines`)));
        check();
      });
    },
  };
}

/** Stops worker processes this test started, by PID, and waits for them. */
export async function stopAll(workers: WorkerProcess[], signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      if (w.child.pid !== undefined) process.kill(w.child.pid, signal);
      await w.exited;
    }),
  );
}

export const until = async (check: () => Promise<boolean>, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
