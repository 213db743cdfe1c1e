/** `PER_WORKER` → `perWorker`. */
const camel = (segment: string) => segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** `perWorker` → `PER_WORKER`. */
const upper = (segment: string) => segment.replace(/([A-Z])/g, '_$1').toUpperCase();

/** A value as written in the environment: JSON when it parses (numbers, booleans, arrays), else the string. */
function value(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Builds a configuration object from variables named `${prefix}KEY__SUB_KEY`: `__` nests, `_` inside a segment
 * becomes camelCase, a numeric segment is an array index. `FLEET_POLICY__PER_WORKER=5` → `{ policy: { perWorker: 5 } }`;
 * `FLEET_METRICS__0__TYPE=httpJson` → `{ metrics: [{ type: 'httpJson' }] }`.
 */
export function fromEnv(env: NodeJS.ProcessEnv, prefix: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith(prefix) || text === undefined) continue;
    const path = name
      .slice(prefix.length)
      .split('__')
      .map((s) => (/^\d+$/.test(s) ? Number(s) : camel(s)));
    let here: Record<string | number, unknown> = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) here[key] = value(text);
      else {
        here[key] ??= typeof path[i + 1] === 'number' ? [] : {};
        here = here[key] as Record<string | number, unknown>;
      }
    });
  }
  return root;
}

/** The variable name that sets a config path: `['policy', 'perWorker']` → `FLEET_POLICY__PER_WORKER`. */
export function envKeyOf(prefix: string, path: readonly string[]): string {
  return prefix + path.map(upper).join('__');
}
