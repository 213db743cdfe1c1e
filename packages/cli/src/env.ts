import { fleetError } from '@fleet/core';
import { OWN_VARIABLES } from './own-variables.js';

/** `PER_WORKER` → `perWorker`. */
const camel = (segment: string) => segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** `perWorker` → `PER_WORKER`. */
const upper = (segment: string) => segment.replace(/([A-Z])/g, '_$1').toUpperCase();

/** Keys that reach an object's prototype when assigned: a configuration never needs them. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for a key that must never be written into a configuration object. */
export const isForbiddenKey = (key: string): boolean => FORBIDDEN_KEYS.has(key);

/** A value as written in the environment: JSON when it parses (numbers, booleans, arrays), else the string. */
function value(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === null;

/** Turns every object whose keys are exactly 0..n-1 into an array; an index with a gap is an error naming the variable. */
function arrays(node: Node, names: Map<Node, string>): unknown {
  const keys = Object.keys(node);
  for (const key of keys) if (isNode(node[key])) node[key] = arrays(node[key] as Node, names);
  if (keys.length === 0 || !keys.every((k) => /^\d+$/.test(k))) return node;
  const indexes = keys.map(Number).sort((a, b) => a - b);
  const gap = indexes.findIndex((n, i) => n !== i);
  if (gap >= 0) {
    const name = `${names.get(node)}${indexes[gap]}`;
    throw fleetError('cli', 'invalid-options', `${name}: list indexes must run from 0 without gaps, expected ${gap}`);
  }
  return indexes.map((i) => node[String(i)]);
}

/**
 * Builds a configuration object from variables named `${prefix}KEY__SUB_KEY`: `__` nests, `_` inside a segment
 * becomes camelCase, numeric segments 0..n-1 make a list. `FLEET_POLICY__PER_WORKER=5` → `{ policy: { perWorker: 5 } }`;
 * `FLEET_METRICS__0__TYPE=httpJson` → `{ metrics: [{ type: 'httpJson' }] }`. The variables the CLI reads for itself
 * (`FLEET_TOKEN`) are no configuration keys and are skipped. Objects are built without a prototype,
 * and a `__proto__`, `constructor` or `prototype` segment is an `invalid-options` error naming the variable, so no
 * variable can reach `Object.prototype`.
 */
export function fromEnv(env: NodeJS.ProcessEnv, prefix: string): Record<string, unknown> {
  const root: Node = Object.create(null);
  // The variable-name prefix of each object, to name a list whose indexes have a gap.
  const names = new Map<Node, string>([[root, prefix]]);
  const bad = (name: string, why: string) => fleetError('cli', 'invalid-options', `${name}: ${why}`);
  for (const name of Object.keys(env).sort()) {
    const text = env[name];
    if (!name.startsWith(prefix) || text === undefined || OWN_VARIABLES.has(name)) continue;
    const raw = name.slice(prefix.length).split('__');
    const path = raw.map(camel);
    const forbidden = path.findIndex(isForbiddenKey);
    if (forbidden >= 0)
      throw bad(name, `the segment ${raw[forbidden]} is not allowed (it names no option and would reach every object's prototype)`);
    let here = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        if (isNode(here[key])) throw bad(name, `${prefix}${raw.slice(0, i + 1).join('__')}__… variables already set keys inside it`);
        here[key] = value(text);
        return;
      }
      if (here[key] !== undefined && !isNode(here[key]))
        throw bad(name, `${prefix}${raw.slice(0, i + 1).join('__')} already sets a value here`);
      if (here[key] === undefined) {
        const child: Node = Object.create(null);
        names.set(child, `${prefix}${raw.slice(0, i + 1).join('__')}__`);
        here[key] = child;
      }
      here = here[key] as Node;
    });
  }
  return arrays(root, names) as Record<string, unknown>;
}

/** The variable name that sets a config path: `['policy', 'perWorker']` → `FLEET_POLICY__PER_WORKER`. */
export function envKeyOf(prefix: string, path: readonly string[]): string {
  return prefix + path.map(upper).join('__');
}
