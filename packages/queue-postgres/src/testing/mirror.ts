import { copyFile, link, mkdir, readdir, readlink, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Rebuilds the tree at `from` under `to` (which must not exist yet): folders are created, files are hard-linked
 * (the same inode, so no bytes are copied and the mode stays the source's) or copied when a hard link is refused
 * (`to` on another filesystem), and symlinks are recreated as the same symlinks, so the shared libraries' version
 * links and any relative link inside the tree keep pointing where they did.
 */
export async function mirrorTree(from: string, to: string): Promise<void> {
  await mkdir(to, { mode: (await stat(from)).mode & 0o777 });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
      else if (entry.isDirectory()) await mirrorTree(source, target);
      else await link(source, target).catch(() => copyFile(source, target));
    }),
  );
}
