import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cjsConsumer, esmConsumer, tsConsumer, tsconfig } from '../src/consumers.js';
import { publishablePackages } from '../src/packages.js';

const exec = promisify(execFile);
const sh = (cmd: string, args: string[], cwd: string) =>
  exec(cmd, args, { cwd, timeout: 240_000, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_nodedir: '' } });

// Packs every publishable package as `pnpm pack` would publish it, and installs the tarballs into fresh projects
// outside the workspace, so nothing can be picked up from the monorepo's node_modules.
const packages = publishablePackages();
const work = mkdtempSync(join(tmpdir(), 'fleet-install-'));
const tarballs = join(work, 'tarballs');

beforeAll(async () => {
  for (const p of packages) await sh('npx', ['--yes', 'pnpm@10.34.9', 'pack', '--pack-destination', tarballs], p.dir);
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(['npm', 'pnpm'] as const)('the packed packages, installed with %s into an empty project', (manager) => {
  const project = join(work, manager);

  beforeAll(async () => {
    const files = readdirSync(tarballs).map((f) => join(tarballs, f));
    await exec('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    writeFileSync(join(project, 'consumer.mjs'), esmConsumer(packages));
    writeFileSync(join(project, 'consumer.cjs'), cjsConsumer(packages));
    writeFileSync(join(project, 'consumer.ts'), tsConsumer(packages));
    const tools = ['typescript@~5.9.3', '@types/node@^20.19.0'];
    if (manager === 'npm') await sh('npm', ['install', '--no-audit', '--no-fund', ...files, ...tools], project);
    else await sh('npx', ['--yes', 'pnpm@10.34.9', 'add', ...files, ...tools], project);
  }, 300_000);

  it('an ES module consumer imports every public entry', async () => {
    const { stdout } = await sh(process.execPath, ['consumer.mjs'], project);
    expect(stdout).toContain('esm ok: @fleet/core @fleet/core/testing');
  });

  it('a CommonJS consumer requires every public entry, each resolved inside the project', async () => {
    const { stdout } = await sh(process.execPath, ['consumer.cjs'], project);
    expect(stdout).toContain('cjs ok: ');
  });

  it.each(['node16', 'bundler'] as const)('a TypeScript consumer type-checks under moduleResolution %s', async (resolution) => {
    writeFileSync(join(project, `tsconfig.${resolution}.json`), tsconfig(resolution));
    const result = await sh(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `tsconfig.${resolution}.json`], project).catch(
      (e) => e,
    );
    expect(String(result.stdout ?? '')).toBe('');
  });
});
