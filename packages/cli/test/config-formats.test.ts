import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_EXTENSIONS } from '../src/load-config.js';

// Every config format the README lists, read by the built `fleet check`, and a .ts config loaded by a CommonJS program
// through `require('@fleet/cli')`, which is the CommonJS build (it once could not: `import.meta` is empty there).
const exec = promisify(execFile);
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const PACKAGE = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fleet-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = {
  max: 4,
  policy: { type: 'targetTracking', metric: 'pending', averageValue: 5 },
  metrics: [{ type: 'fixed', values: { pending: 12 } }],
  provider: { type: 'memory' },
};
const json = JSON.stringify(config);
const yaml = `max: 4
policy: { type: targetTracking, metric: pending, averageValue: 5 }
metrics: [{ type: fixed, values: { pending: 12 } }]
provider: { type: memory }
`;
// The TS files use what Node cannot run by itself: type annotations and an interface.
const ts = `interface Spec { type: string }\nconst policy: Spec = ${JSON.stringify(config.policy)};\n`;
const files: Record<(typeof CONFIG_EXTENSIONS)[number], string> = {
  '.json': json,
  '.yaml': yaml,
  '.yml': yaml,
  '.js': `module.exports = ${json};\n`,
  '.mjs': `export default ${json};\n`,
  '.cjs': `module.exports = ${json};\n`,
  '.ts': `${ts}export default { ...${json}, policy };\n`,
  '.mts': `${ts}export default { ...${json}, policy };\n`,
  '.cts': `${ts}module.exports = { ...${json}, policy };\n`,
};

describe('config formats', () => {
  it.each(Object.keys(files))('fleet check reads a %s config', async (ext) => {
    const file = join(dir, `fleet${ext}`);
    writeFileSync(file, files[ext as keyof typeof files]);
    const r = await exec(process.execPath, [BIN, 'check', file], { env: { PATH: process.env.PATH }, timeout: 30_000 });
    expect(r.stdout.trim()).toBe(`fleet: ${file}: ok`);
  });

  it('an unknown extension names the ones it reads', async () => {
    const file = join(dir, 'fleet.toml');
    writeFileSync(file, 'max = 4\n');
    const r = await exec(process.execPath, [BIN, 'check', file], { env: { PATH: process.env.PATH } }).catch((e) => e);
    expect(r.stderr.trim()).toBe(`fleet: ${file}: unknown config format '.toml': use ${CONFIG_EXTENSIONS.join(', ')}`);
  });

  it("a CommonJS program loads a .ts config through require('@fleet/cli')", async () => {
    const project = join(dir, 'cjs-project');
    mkdirSync(join(project, 'node_modules', '@fleet'), { recursive: true });
    symlinkSync(PACKAGE, join(project, 'node_modules', '@fleet', 'cli'));
    writeFileSync(join(project, 'fleet.ts'), files['.ts']);
    writeFileSync(
      join(project, 'main.cjs'),
      `const { loadConfig } = require('@fleet/cli');
loadConfig(__dirname + '/fleet.ts').then(({ config }) => console.log(require.resolve('@fleet/cli'), JSON.stringify(config.policy)));\n`,
    );
    const r = await exec(process.execPath, ['main.cjs'], { cwd: project, env: { PATH: process.env.PATH } });
    expect(r.stderr).toBe('');
    const [entry, policy] = r.stdout.trim().split(' ');
    expect(entry).toMatch(/dist\/index\.cjs$/);
    expect(JSON.parse(policy as string)).toEqual(config.policy);
  });
});
