import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FleetStatus, fleetError, type ScalingProvider } from '@fleet/core';

/** Options of {@link pidDirProvider}. */
export interface PidDirOptions {
  /** Where the pid files live: the fleet's state, so it survives a restart of the Autoscaler. */
  dir: string;
  /** The worker script, run with this Node. */
  script: string;
  /** @default 8 */
  max?: number;
}

const alive = (pid: number) => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};

/** Workers as detached processes with one pid file each (`worker-1.pid`…); scale-in stops the newest first. */
export function pidDirProvider({ dir, script, max = 8 }: PidDirOptions): ScalingProvider {
  mkdirSync(dir, { recursive: true });
  let last: Pick<FleetStatus, 'lastScaledAt' | 'lastScaleDirection'> = {};
  const index = (file: string) => Number(/\d+/.exec(file)?.[0]);
  const files = () =>
    readdirSync(dir)
      .filter((f) => /^worker-\d+\.pid$/.test(f))
      .sort((a, b) => index(a) - index(b));
  const pid = (file: string) => Number(readFileSync(join(dir, file), 'utf8'));
  return {
    name: 'pid-dir',
    capabilities: { scaleToZero: true, maxSize: max },
    async status() {
      const all = files();
      return { target: all.length, ready: all.filter((f) => alive(pid(f))).length, ...last };
    },
    async scaleTo(target) {
      if (!Number.isInteger(target) || target < 0 || target > max) {
        throw fleetError('pid-dir', 'invalid-input', `scaleTo: expected a whole number from 0 to ${max}, got ${target}`);
      }
      const now = files();
      if (target === now.length) return; // a no-op starts no cooldown
      for (let i = now.length + 1; i <= target; i++) {
        const child = spawn(process.execPath, [script], {
          detached: true,
          stdio: 'ignore',
          env: { ...process.env, WORKER_ID: `worker-${i}` },
        });
        child.unref();
        writeFileSync(join(dir, `worker-${i}.pid`), String(child.pid));
      }
      for (const file of now.slice(target).reverse()) {
        if (alive(pid(file))) process.kill(pid(file), 'SIGTERM'); // the worker drains, then exits
        rmSync(join(dir, file));
      }
      last = { lastScaledAt: Date.now(), lastScaleDirection: target > now.length ? 'up' : 'down' };
    },
  };
}
