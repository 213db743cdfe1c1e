import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fleet-sim-'));

const fleet = (args: string[]) =>
  exec(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH }, timeout: 30_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
const tracking = JSON.stringify({ type: 'targetTracking', metric: 'pending', averageValue: 3 });

describe('fleet simulate', () => {
  it('prints the timeline and the summary of S0’s trace, and writes the chart', async () => {
    const svg = join(dir, 's0.svg');
    const r = await fleet(['simulate', '--trace', 's0', '--policy', tracking, '--svg', svg]);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^t \(s\)\s+queue\s+workers/);
    expect(lines[1]).toMatch(/^\s*0\.0\s+16\s+6\s+1\s+scale-up/); // ceil(16/3)
    expect(r.stdout).toMatch(/66 jobs, 0 left waiting; wait p50 [\d.]+ s, p95 [\d.]+ s/);
    const rows = lines.filter((l) => /^\s*\d+\.\d\s+\d+\s+\d+/.test(l)).length;
    expect(readFileSync(svg, 'utf8').match(/<circle class="tick"/g)).toHaveLength(rows);
  });

  it('replays a CSV of timestamps and a YAML diurnal trace with a distribution', async () => {
    const csv = await fleet([
      'simulate',
      '--trace',
      fixture('arrivals.csv'),
      '--policy',
      tracking,
      '--service-ms',
      '500',
      '--duration-ms',
      '20000',
    ]);
    expect(csv.stdout).toMatch(/^\s*0\.0\s+3\s+1\s+1\s+hold/m);
    expect(csv.stdout).toContain('10 jobs, 0 left waiting');
    const yaml = await fleet(['simulate', '--trace', fixture('diurnal-trace.yaml'), '--policy', fixture('hpa.json')]);
    expect(yaml.stderr).toBe('');
    expect(yaml.stdout).toMatch(/(\d+) jobs, 0 left waiting/);
    expect(Number(/(\d+) jobs/.exec(yaml.stdout)?.[1])).toBeGreaterThan(1_700);
  });

  it('bad usage: exit 2 and one line', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['simulate', '--trace', 's0'], /^fleet: simulate: --policy is required; see fleet simulate --help$/],
      [['simulate', '--policy', tracking], /^fleet: simulate: --trace is required/],
      [
        ['simulate', '--trace', 's0', '--policy', tracking, '--bogus'],
        /^fleet: simulate: Unknown option '--bogus'; see fleet simulate --help$/,
      ],
      [
        ['simulate', '--trace', 's0', '--policy', '{"type":"utilization","metric":"m"}'],
        /^fleet: --policy: invalid utilization\(\) options: capacityPerWorker: /,
      ],
      [['simulate', '--trace', join(dir, 'missing.json'), '--policy', tracking], /^fleet: --trace: ENOENT/],
      [
        ['simulate', '--trace', 's0', '--policy', '{"policy":{"type":"ceilTarget"},"max":"ten"}'],
        /^fleet: --policy: invalid ceilTarget\(\) options/,
      ],
      [['compare', '--trace', 's0', '--policy', 'no-equals-sign'], /^fleet: --policy no-equals-sign: expected name=<json\|file>$/],
      [['frobnicate'], /^fleet: unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = await fleet(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  });

  it('--help on every command', async () => {
    for (const command of ['run', 'check', 'simulate', 'compare', 'status']) {
      const r = await fleet([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: fleet ${command}`));
    }
    expect((await fleet(['--help'])).stdout).toMatch(/^usage: fleet <command>/);
  });
});

describe('fleet compare', () => {
  it('prints S0’s four contenders side by side by default', async () => {
    const r = await fleet(['compare', '--trace', 's0']);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| policy') && !l.startsWith('| -'));
    expect(rows.map((l) => l.split('|')[1]?.trim())).toEqual([
      'S0 original (ceilTarget)',
      'S2 step (utilization ±1)',
      'HPA target tracking',
      'recommended (recommendedScaling)',
    ]);
  });

  it('compares named policies given as JSON text and files', async () => {
    const r = await fleet(['compare', '--trace', 's0', '--policy', `ours=${tracking}`, '--policy', `hpa=${fixture('hpa.json')}`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\| ours +\|/m);
    expect(r.stdout).toMatch(/^\| hpa +\|/m);
  });
});
