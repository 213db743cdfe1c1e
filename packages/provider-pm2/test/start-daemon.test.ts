import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pm2Provider } from '../src/index.js';
import { until } from './support/daemon.js';

const script = fileURLToPath(new URL('./fixtures/idle.cjs', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'fleet-pm2-own-'));
const daemonPid = () => {
  try {
    return Number(readFileSync(join(home, 'pm2.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
afterAll(async () => {
  // The same teardown as the other files: the daemon's pid from its home, SIGTERM, wait for it to go.
  const pid = daemonPid();
  if (pid !== undefined && alive(pid)) {
    process.kill(pid, 'SIGTERM');
    await until(() => !alive(pid), 10_000);
  }
  rmSync(home, { recursive: true, force: true });
}, 20_000);

describe('pm2Provider without a running daemon', () => {
  it('fails with a clear error when startDaemon is false, and starts a daemon in pm2Home when it is true', async () => {
    const refuses = pm2Provider({ mode: 'named', name: 'own', script, pm2Home: home, startDaemon: false });
    const error = await refuses.scaleTo(1, { reason: 'test', signal: new AbortController().signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'provider-failed' });
    expect((error as Error).message).toContain(`no PM2 daemon runs for PM2_HOME ${home} (startDaemon is false)`);
    expect(daemonPid()).toBeUndefined();
    await refuses.close();

    const provider = pm2Provider({ mode: 'named', name: 'own', script, pm2Home: home });
    expect(provider.pm2Home).toBe(home);
    await provider.scaleTo(1, { reason: 'test', signal: new AbortController().signal });
    const pid = daemonPid();
    expect(pid !== undefined && alive(pid)).toBe(true);
    expect(await until(async () => (await provider.processes()).some((p) => p.name === 'own-1' && p.status === 'online'))).toBe(true);
    await provider.close();
  });
});
