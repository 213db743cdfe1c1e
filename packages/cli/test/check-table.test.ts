import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { envKeyOf } from '../src/env.js';

// The README's table "What `fleet check` says", run row by row through the built `fleet`: what it prints must be what
// the row says, so the table cannot go stale. UPDATE_CHECK_TABLE=1 writes what `fleet` printed into the table instead
// (then read the README's diff before committing it).
const README = new URL('../README.md', import.meta.url).pathname;
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const HEADING = '### What `fleet check` says';
const SHOWN_FOLDER = '/srv/fleet';
const update = process.env.UPDATE_CHECK_TABLE === '1';
const exec = promisify(execFile);

const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(HEADING);
const section = readme.slice(start, readme.indexOf('\n## ', start));
const base = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
const code = (cell: string) => /^(`+) ?(.*?) ?\1$/.exec(cell.trim())?.[2] ?? cell.trim();
const rows = section
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| case') && !line.startsWith('| ---'))
  .map((line) => {
    const [what = '', input = '', printed = ''] = line.slice(2, -2).split(' | ');
    return { line, what, input: code(input), printed: code(printed) };
  });

const folder = realpathSync(mkdtempSync(join(tmpdir(), 'fleet-check-table-')));
writeFileSync(join(folder, 'worker.js'), '');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The config as `FLEET_*` variables: `{ policy: { type } }` → `FLEET_POLICY__TYPE`. */
function variables(value: unknown, path: string[] = []): Record<string, string> {
  if (typeof value === 'object' && value !== null) {
    return Object.assign({}, ...Object.entries(value).map(([k, v]) => variables(v, [...path, k])));
  }
  return { [envKeyOf('FLEET_', path)]: typeof value === 'string' ? value : JSON.stringify(value) };
}

/** `A=1 fleet simulate --policy '{…}'` → the variables and the arguments (single quotes group, as in a shell). */
function parseCommand(command: string) {
  const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  const assigned: Record<string, string> = {};
  while (words[0]?.includes('=')) {
    const [name, ...value] = (words.shift() as string).split('=');
    assigned[name as string] = value.join('=');
  }
  if (words.shift() !== 'fleet') throw new Error(`not a fleet command: ${command}`);
  return { assigned, args: words };
}

/** What `fleet` prints for a row: a config line replaces the base config's line with the same key, else a command runs. */
async function run(input: string): Promise<string> {
  let args: string[];
  let env: Record<string, string> = {};
  if (input.startsWith('fleet ') || /^[A-Z_]+=/.test(input)) {
    const command = parseCommand(input);
    args = command.args;
    env = command.assigned;
    if (args[0] === 'check' && args.length === 1) env = { ...variables(parseYaml(base)), ...env };
  } else {
    const key = input.slice(0, input.indexOf(':'));
    const lines = base.trimEnd().split('\n');
    const at = lines.findIndex((l) => l.startsWith(`${key}:`));
    if (at >= 0) lines[at] = input;
    else lines.push(input);
    writeFileSync(join(folder, 'fleet.yaml'), `${lines.join('\n')}\n`);
    args = ['check', 'fleet.yaml'];
  }
  const r = await exec(process.execPath, [BIN, ...args], {
    cwd: folder,
    env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://127.0.0.1/jobs', ...env },
    timeout: 30_000,
  }).catch((e: { stdout: string; stderr: string }) => e);
  return `${r.stdout}${r.stderr}`.trim().replaceAll(folder, SHOWN_FOLDER);
}

const printedAs = new Map<string, string>();
afterAll(() => {
  if (!update) return;
  let text = readFileSync(README, 'utf8');
  for (const row of rows) {
    const printed = printedAs.get(row.line) as string;
    const cell = printed.includes('`') ? `\`\` ${printed} \`\`` : `\`${printed}\``;
    text = text.replace(row.line, `${row.line.slice(0, row.line.lastIndexOf(' | '))} | ${cell} |`);
  }
  writeFileSync(README, text);
});

describe('the README table "What `fleet check` says"', () => {
  it('has the base config and a row for each case the CLI must name', () => {
    expect(base).toContain('provider: { type: process, script: ./worker.js');
    const inputs = rows.map((r) => r.input).join('\n');
    for (const needle of ['perWroker', '"8"', '3s', 'waitRedy', './wroker.js', 'cooldwon', 'FLEET_TOKEN='])
      expect(inputs).toContain(needle);
  });

  it.each(rows.map((r) => [r.what, r]))('%s: fleet prints what the table says', async (_, row) => {
    const printed = await run(row.input);
    expect(printed.split('\n')).toHaveLength(1);
    printedAs.set(row.line, printed);
    if (!update) expect(printed).toBe(row.printed);
  });
});
