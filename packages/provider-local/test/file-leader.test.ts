import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileLeader } from '../src/index.js';

let dir: string;
let path: string;
const signal = () => new AbortController().signal;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-leader-'));
  path = join(dir, 'autoscaler.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fileLeader', () => {
  it('one candidate leads; the other takes over after it resigns', async () => {
    const a = fileLeader({ path, id: 'a' });
    const b = fileLeader({ path, id: 'b' });
    expect(await a.campaign(signal())).toBe(true);
    expect(await b.campaign(signal())).toBe(false);
    expect(await a.campaign(signal())).toBe(true);
    expect(JSON.parse(readFileSync(path, 'utf8')).id).toBe('a');
    await b.resign(); // not the holder: changes nothing
    expect(await b.campaign(signal())).toBe(false);
    await a.resign();
    expect(await b.campaign(signal())).toBe(true);
    expect(await a.campaign(signal())).toBe(false);
  });

  it('takes over at once from a leader whose process is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(path, JSON.stringify({ id: 'dead', pid: gone, host: (await import('node:os')).hostname() }));
    expect(await fileLeader({ path, id: 'b' }).campaign(signal())).toBe(true);
  });

  it('takes over from a live leader only once its lock is older than staleMs', async () => {
    const a = fileLeader({ path, id: 'a', staleMs: 60_000 });
    const b = fileLeader({ path, id: 'b', staleMs: 60_000 });
    expect(await a.campaign(signal())).toBe(true);
    expect(await b.campaign(signal())).toBe(false);
    const old = new Date(Date.now() - 61_000);
    utimesSync(path, old, old); // a hung: it stopped refreshing
    expect(await b.campaign(signal())).toBe(true);
    expect(await a.campaign(signal())).toBe(false);
  });

  it('of many candidates racing for a stale lock, exactly one wins', async () => {
    for (let round = 0; round < 10; round++) {
      writeFileSync(path, JSON.stringify({ id: 'old', pid: process.pid, host: 'elsewhere' }));
      const old = new Date(Date.now() - 120_000);
      utimesSync(path, old, old);
      const candidates = Array.from({ length: 8 }, (_, i) => fileLeader({ path, id: `c${i}`, staleMs: 30_000 }));
      const won = await Promise.all(candidates.map((c) => c.campaign(signal())));
      expect(won.filter(Boolean)).toHaveLength(1);
      const again = await Promise.all(candidates.map((c) => c.campaign(signal())));
      expect(again).toEqual(won);
    }
  });

  it('rejects a missing path and a negative staleMs, naming the field', () => {
    expect(() => fileLeader({} as never)).toThrow(/path: required, the path of a lock file/);
    expect(() => fileLeader({ path, staleMs: -1 })).toThrow(/staleMs: Too small/);
  });
});
