import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * An option that holds a path: `file` and `dir` must exist, `path` need not (a socket, a PM2 home made on first
 * use), `command` is a path only when it has a slash (PM2's `interpreter: bun` stays a command).
 */
export interface PathField {
  /** The option's key; a dotted key reaches into an object (`docker.socketPath`). */
  key: string;
  kind: 'file' | 'dir' | 'path' | 'command';
  /** Values that are not paths (`kubeconfig: in-cluster`). */
  keywords?: readonly string[];
}

/** A path option that names nothing on disk: its key, as written, and where it led. */
export interface MissingPath {
  key: string;
  message: string;
}

const what = { file: 'no such file', dir: 'no such folder' } as const;

function exists(path: string, kind: 'file' | 'dir'): boolean {
  try {
    const stat = statSync(path);
    return kind === 'file' ? stat.isFile() : stat.isDirectory();
  } catch {
    return false;
  }
}

/**
 * Resolves each path option of `options` against `base` (the config file's folder), so a config means the same
 * files whatever the current directory. Returns the options with absolute paths, and a problem for each `file`
 * or `dir` that does not exist, naming the key, the path as written and the path it resolved to.
 */
export function resolvePaths(
  options: Record<string, unknown>,
  fields: readonly PathField[],
  base: string,
): { options: Record<string, unknown>; missing: MissingPath[] } {
  const out: Record<string, unknown> = { ...options };
  const missing: MissingPath[] = [];
  for (const { key, kind, keywords = [] } of fields) {
    const [head, ...rest] = key.split('.') as [string, ...string[]];
    const inner = rest.join('.');
    if (inner) {
      const nested = out[head];
      // A nested path inside something that is not a plain object is left to the factory's own check.
      if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) continue;
      const result = resolvePaths(nested as Record<string, unknown>, [{ key: inner, kind, keywords }], base);
      out[head] = result.options;
      missing.push(...result.missing.map((m) => ({ ...m, key: `${head}.${m.key}` })));
      continue;
    }
    const given = out[head];
    // Anything but a non-empty string (a file: URL, a keyword) is the factory's to judge.
    if (typeof given !== 'string' || given === '' || given.startsWith('file:') || keywords.includes(given)) continue;
    if (kind === 'command' && !given.includes('/')) continue;
    const resolved = isAbsolute(given) ? given : resolve(base, given);
    out[head] = resolved;
    if ((kind === 'file' || kind === 'dir') && !exists(resolved, kind)) {
      const shown = resolved === given ? given : `${given} (resolved to ${resolved})`;
      missing.push({ key: head, message: `${shown}: ${what[kind]}` });
    }
  }
  return { options: out, missing };
}
