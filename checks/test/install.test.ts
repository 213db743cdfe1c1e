import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cjsConsumer, esmConsumer, tsConsumer, tsconfig } from '../src/consumers.js';
import { entryPoints, publishablePackages } from '../src/packages.js';

const exec = promisify(execFile);
// A clean environment: the settings pnpm passes to the scripts it runs (npm_config_recursive…) must not reach the
// package managers that install into the fresh project.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|PNPM_)/i.test(k)));
const sh = (cmd: string, args: string[], cwd: string) =>
  exec(cmd, args, { cwd, timeout: 240_000, maxBuffer: 32 * 1024 * 1024, env: cleanEnv });

// Packs every publishable package as `pnpm pack` would publish it, and installs the tarballs into fresh projects
// outside the workspace, so nothing can be picked up from the monorepo's node_modules.
const packages = publishablePackages();
const work = mkdtempSync(join(tmpdir(), 'fleet-install-'));
const tarballs = join(work, 'tarballs');

beforeAll(async () => {
  for (const p of packages) await sh('npx', ['--yes', 'pnpm@10.34.9', 'pack', '--pack-destination', tarballs], p.dir);
}, 240_000);
// Two full installs: removing them can take longer than the default hook timeout on a busy machine.
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe.each(['npm', 'pnpm'] as const)('the packed packages, installed with %s into an empty project', (manager) => {
  const project = join(work, manager);

  beforeAll(async () => {
    // Tarballs in the order of `packages`: pnpm pack names them `fleet-<name>-<version>.tgz`.
    const files = packages.map((p) => {
      const file = readdirSync(tarballs).find((f) => f.startsWith(`${p.name.replace('@', '').replace('/', '-')}-`));
      if (!file) throw new Error(`no tarball for ${p.name}`);
      return join(tarballs, file);
    });
    await exec('mkdir', ['-p', project]);
    // Our packages depend on each other by version, and they are not on a registry: point pnpm at the tarballs
    // (npm already takes the tarballs given on its command line).
    const overrides = Object.fromEntries(packages.map((p, i) => [p.name, `file:${files[i]}`]));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, version: '1.0.0', pnpm: { overrides } }),
    );
    writeFileSync(join(project, 'consumer.mjs'), esmConsumer(packages));
    writeFileSync(join(project, 'consumer.cjs'), cjsConsumer(packages));
    writeFileSync(join(project, 'consumer.ts'), tsConsumer(packages));
    const tools = ['typescript@~5.9.3', '@types/node@^20.19.0'];
    if (manager === 'npm') await sh('npm', ['install', '--no-audit', '--no-fund', ...files, ...tools], project);
    else await sh('npx', ['--yes', 'pnpm@10.34.9', 'add', ...files, ...tools], project);
  }, 300_000);

  it('an ES module consumer imports every public entry', async () => {
    const { stdout } = await sh(process.execPath, ['consumer.mjs'], project);
    expect(stdout).toContain('esm ok: ');
    for (const entry of packages.flatMap(entryPoints)) expect(stdout.trim().split(' ')).toContain(entry);
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

  // Last in the block: it removes pm2 from this project. prom-client is an optional peer, so it was never installed.
  // npm only: pnpm links a package's peers inside its own store folder, where removing the project's pm2 cannot reach.
  if (manager === 'npm')
    it('a missing peer dependency names the package to install (prom-client, pm2)', async () => {
      const config = {
        max: 2,
        policy: { type: 'targetTracking', metric: 'pending', averageValue: 5 },
        metrics: [{ type: 'fixed', values: { pending: 1 } }],
        provider: { type: 'memory' },
        prometheus: { port: 0 },
      };
      writeFileSync(join(project, 'prom.json'), JSON.stringify(config));
      const prom = await sh(process.execPath, ['node_modules/@fleet/cli/dist/bin.js', 'run', 'prom.json'], project).catch((e) => e);
      expect({ code: prom.code, stderr: prom.stderr }).toEqual({
        code: 2,
        stderr: 'fleet: prom.json: prometheus: needs prom-client: npm i prom-client\n',
      });

      // npm installs pm2 as a required peer of @fleet/provider-pm2; without it, the first call says what to install.
      rmSync(join(project, 'node_modules', 'pm2'), { recursive: true, force: true });
      writeFileSync(
        join(project, 'pm2.mjs'),
        `import { pm2Provider } from '@fleet/provider-pm2';
const provider = pm2Provider({ mode: 'named', name: 'w', script: 'pm2.mjs', pm2Home: ${JSON.stringify(join(work, 'pm2-home'))} });
await provider.status(AbortSignal.timeout(10_000)).then(() => console.log('no error'), (e) => console.log(e.code, e.message));`,
      );
      const { stdout } = await sh(process.execPath, ['pm2.mjs'], project);
      expect(stdout.trim()).toBe(
        'invalid-options [fleet] [provider-pm2] pm2 is a peer dependency: install it (npm i pm2) next to @fleet/provider-pm2',
      );
    });
});
