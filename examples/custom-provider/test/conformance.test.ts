import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { providerConformance } from '@fleet/core/testing';
import { afterAll, afterEach, describe, it } from 'vitest';
import { pidDirProvider } from '../pid-dir-provider.js';

const script = new URL('../worker.mjs', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'fleet-pid-dir-'));
let n = 0;

/** The OS's view, not the provider's: processes whose command line runs the worker script, from /proc. */
function running(): string[] {
  const pids: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (args.includes(script) && state !== 'Z') pids.push(entry);
    } catch {} // gone in the meantime
  }
  return pids;
}

providerConformance(
  {
    name: 'pidDirProvider (examples/custom-provider)',
    create: () => pidDirProvider({ dir: join(root, `fleet-${++n}`), script, max: 4 }),
    inspect: async () => {
      const ids = running();
      return { running: ids.length, ids };
    },
    cleanup: async (provider) => provider.scaleTo(0, { reason: 'cleanup', signal: new AbortController().signal }),
    settleMs: 1_000,
  },
  { describe, it, afterEach },
);
afterAll(() => rmSync(root, { recursive: true, force: true }));
