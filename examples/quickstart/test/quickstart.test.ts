import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runQuickstart } from '../quickstart.js';

it('runs the quickstart, shortened: every message handled once, the fleet grows and comes back to 1, a chart', async () => {
  const lines: string[] = [];
  const chartPath = join(tmpdir(), `fleet-quickstart-test-${process.pid}.svg`);
  const s = await runQuickstart({
    waves: [12, 24],
    secondWaveAtMs: 4_000,
    intervalMs: 1_000,
    cooldownDownMs: 4_000,
    handleMs: 400,
    chartPath,
    print: (line) => lines.push(line),
  });
  expect(s).toMatchObject({ jobs: 36, duplicates: 0, interrupted: false });
  expect(s.peakWorkers).toBeGreaterThanOrEqual(3);
  expect(s.scaleCalls[0]).toBe(3); // 12 ready on 1 worker: ceil(12/5)
  expect(s.scaleCalls[s.scaleCalls.length - 1]).toBe(1);
  expect(lines.some((l) => /workers\s+1 → 3\s+scale-up/.test(l))).toBe(true);
  expect(existsSync(chartPath)).toBe(true);
  const svg = readFileSync(chartPath, 'utf8');
  expect(svg).toMatch(/^<svg /);
  // A dot per tick: as many as decision lines printed.
  const decisionLines = lines.filter((l) => /workers\s+\d+ → \d+/.test(l)).length;
  expect(s.ticks).toBe(decisionLines);
  expect(svg.match(/class="tick"/g)?.length).toBe(decisionLines);
});

it('Ctrl-C stops everything cleanly: exit 130, no worker and no PostgreSQL process left', async () => {
  const { spawn, execFileSync } = await import('node:child_process');
  // Started as the root `pnpm demo` script starts it (from the repository root, the packages' sources through tsx).
  const root = new URL('../../..', import.meta.url).pathname;
  const demo = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts.demo as string;
  const [node, ...args] = demo.split(' ');
  expect(node).toBe('node');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  for (let i = 0; i < 200 && !out.includes('scale-up'); i++) await new Promise((r) => setTimeout(r, 100));
  expect(out).toContain('scale-up');
  // Its descendants (the worker processes, PostgreSQL) as the OS sees them, before the interrupt.
  const table = () =>
    execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const descendants = (root: number) => {
    const all = table();
    const found = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of all) {
        if (found.has(ppid) && !found.has(pid)) {
          found.add(pid);
          grew = true;
        }
      }
    }
    found.delete(root);
    return [...found];
  };
  const before = descendants(child.pid as number);
  expect(before.length).toBeGreaterThanOrEqual(2); // PostgreSQL and at least one worker
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  expect({ code, err }).toEqual({ code: 130, err: '' });
  expect(out).toContain('interrupted:');
  // Processes may take a moment to be reaped after their parent exits; none may remain after a few seconds.
  const left = () => {
    const alive = new Set(table().map(([pid]) => pid));
    return before.filter((pid) => alive.has(pid));
  };
  for (let i = 0; i < 50 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const describe = (pid: number) => {
    try {
      return execFileSync('ps', ['-o', 'pid=,args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    } catch {
      return undefined; // gone in the meantime
    }
  };
  const described = left().map(describe).filter(Boolean);
  expect(described).toEqual([]);
});
