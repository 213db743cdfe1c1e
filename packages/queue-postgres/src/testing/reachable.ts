import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * The first folder on the way to `path` (from `/` down to `path` itself) that a process running as `uid`/`gid`
 * cannot enter, or undefined when it can reach `path`. Read from the mode bits the kernel checks (owner, then
 * group, then others' execute bit); ACLs are not read, so a folder opened to the uid only by an ACL counts as closed,
 * which costs a needless mirror, never a failed start.
 */
export async function closedFolderOnPath(path: string, uid: number, gid: number): Promise<string | undefined> {
  const folders: string[] = [];
  for (let folder = resolve(path); ; folder = dirname(folder)) {
    folders.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of folders) {
    const { mode, uid: ownerUid, gid: ownerGid } = await stat(folder);
    const bits = ownerUid === uid ? mode >> 6 : ownerGid === gid ? mode >> 3 : mode;
    if ((bits & 0o1) === 0) return folder;
  }
  return undefined;
}
