import { z } from 'zod';

/** A node of the JSON Schema zod writes for a schema's input: what an option error needs to read of it. */
interface Shape {
  type?: string | string[];
  properties?: Record<string, Shape>;
  required?: string[];
  additionalProperties?: Shape | boolean;
  items?: Shape;
  prefixItems?: Shape[];
  anyOf?: Shape[];
  oneOf?: Shape[];
  allOf?: Shape[];
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  minItems?: number;
  format?: string;
  $ref?: string;
  $defs?: Record<string, Shape>;
}

/**
 * What an option error can tell about the schema at a path of the input: the keys an object there takes, whether a
 * key is required, and a short description of what a value should be. Read from zod's JSON Schema of the input (the
 * public view of a schema, the same for every package's schema); a schema zod cannot describe gives no answers,
 * and the error keeps zod's own words.
 */
export class OptionShape {
  private constructor(private readonly root: Shape) {}

  /** Undefined when zod cannot write the schema as JSON Schema. */
  static of(schema: z.ZodType): OptionShape | undefined {
    try {
      return new OptionShape(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Shape);
    } catch {
      return undefined;
    }
  }

  /** The keys an object at `path` takes (of the union branches that fit `input`), or undefined when unknown. */
  keysAt(path: readonly PropertyKey[], input: unknown): string[] | undefined {
    const objects = this.branches(this.at(path, input), valueAt(input, path)).filter((b) => b.properties);
    if (objects.length === 0) return undefined;
    return [...new Set(objects.flatMap((b) => Object.keys(b.properties ?? {})))];
  }

  /** Whether the object holding the last key of `path` requires that key (one with a default is not required). */
  isRequired(path: readonly PropertyKey[], input: unknown): boolean | undefined {
    const key = path.at(-1);
    if (typeof key !== 'string') return undefined;
    const parents = this.branches(this.at(path.slice(0, -1), input), valueAt(input, path.slice(0, -1))).filter((b) => b.properties);
    if (parents.length === 0) return undefined;
    return parents.some((b) => b.required?.includes(key));
  }

  /** "a number > 0", "an integer >= 0 and <= 100", "one of "max", "min"", or undefined when it cannot be said. */
  describeAt(path: readonly PropertyKey[], input: unknown): string | undefined {
    const node = this.at(path, input);
    return node && describe(this.resolve(node));
  }

  private resolve(node: Shape): Shape {
    if (node.$ref === '#') return this.root;
    const def = node.$ref?.match(/^#\/\$defs\/(.+)$/)?.[1];
    return def !== undefined ? (this.root.$defs?.[def] ?? node) : node;
  }

  /** The node's union branches (flattened) that fit `value`: those whose constant fields match, else all of them. */
  private branches(node: Shape | undefined, value: unknown): Shape[] {
    if (!node) return [];
    const flat = (n: Shape): Shape[] => {
      const r = this.resolve(n);
      const parts = r.anyOf ?? r.oneOf ?? r.allOf;
      return parts ? parts.flatMap(flat) : [r];
    };
    const all = flat(node);
    const fitting = all.filter((b) =>
      Object.entries(b.properties ?? {}).every(([k, p]) => p.const === undefined || (isRecord(value) && value[k] === p.const)),
    );
    return fitting.length > 0 ? fitting : all;
  }

  private at(path: readonly PropertyKey[], input: unknown): Shape | undefined {
    let here: Shape | undefined = this.root;
    for (let i = 0; i < path.length && here; i++) {
      const key = path[i];
      const value = valueAt(input, path.slice(0, i));
      let next: Shape | undefined;
      for (const b of this.branches(here, value)) {
        if (typeof key === 'number') next = b.prefixItems?.[key] ?? b.items;
        else if (typeof key === 'string')
          next = b.properties?.[key] ?? (typeof b.additionalProperties === 'object' ? b.additionalProperties : undefined);
        if (next) break;
      }
      here = next;
    }
    return here;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at `path` in `input`, or undefined when the path leads nowhere. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let here: unknown = input;
  for (const key of path) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

const SAFE = Number.MAX_SAFE_INTEGER;

function bounds(n: Shape): string {
  const parts: string[] = [];
  if (n.exclusiveMinimum !== undefined) parts.push(`> ${n.exclusiveMinimum}`);
  else if (n.minimum !== undefined && n.minimum > -SAFE) parts.push(`>= ${n.minimum}`);
  if (n.exclusiveMaximum !== undefined) parts.push(`< ${n.exclusiveMaximum}`);
  else if (n.maximum !== undefined && n.maximum < SAFE) parts.push(`<= ${n.maximum}`);
  return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}

function describe(n: Shape): string | undefined {
  const parts = n.anyOf ?? n.oneOf;
  if (parts) {
    const each = parts.map(describe);
    return each.every((d) => d !== undefined) ? [...new Set(each)].join(' or ') : undefined;
  }
  if (n.const !== undefined) return JSON.stringify(n.const);
  if (n.enum) return n.enum.length === 1 ? JSON.stringify(n.enum[0]) : `one of ${n.enum.map((e) => JSON.stringify(e)).join(', ')}`;
  switch (n.type) {
    case 'integer':
      return `an integer${bounds(n)}`;
    case 'number':
      return `a number${bounds(n)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      if (n.format === 'uri') return 'a URL';
      return (n.minLength ?? 0) > 0 ? 'a non-empty string' : 'a string';
    case 'array':
      return (n.minItems ?? 0) > 0 ? 'a non-empty array' : 'an array';
    case 'object':
      return 'an object';
    default:
      return undefined;
  }
}
