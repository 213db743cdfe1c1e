import { fileURLToPath } from 'node:url';
import { providerConformance } from '@fleet/core/testing';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { pm2Provider } from '../src/index.js';
import { deleteApps, startTestDaemon, type TestDaemon } from './support/daemon.js';

const script = fileURLToPath(new URL('./fixtures/idle.cjs', import.meta.url));
let daemon: TestDaemon;
beforeAll(async () => {
  daemon = await startTestDaemon();
}, 30_000);
afterAll(() => daemon?.stop(), 30_000);

let seq = 0;
const running = (status?: string) => status === 'online' || status === 'launching';

for (const mode of ['named', 'instances'] as const) {
  const prefix = `conf-${mode}`;
  let name = '';
  providerConformance(
    {
      name: `pm2Provider (${mode}${mode === 'instances' ? ', cluster' : ''})`,
      create: () => {
        name = `${prefix}${++seq}`;
        return pm2Provider({ mode, name, script, min: 0, max: 3, execMode: 'cluster', drainTimeoutMs: 3_000, pm2Home: daemon.home });
      },
      // PM2's own process list, read by the test's own client; pids as ids.
      inspect: async () => {
        const mine = (await daemon.list()).filter(
          (p) => (mode === 'named' ? p.name?.startsWith(`${name}-`) : p.name === name) && running(p.pm2_env?.status),
        );
        return { running: mine.length, ids: mine.map((p) => String(p.pid)) };
      },
      cleanup: () => deleteApps(daemon, name),
      settleMs: 2_500,
    },
    { describe, it, afterEach },
  );
}
