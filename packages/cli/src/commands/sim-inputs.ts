import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import {
  burstArrivals,
  constantArrivals,
  csvArrivals,
  didYouMeanText,
  diurnalArrivals,
  fleetError,
  parseWith,
  type SimulatedScaling,
  type SimulationTrace,
  s0Trace,
} from '@fleet/core';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { AUTOSCALER_KEYS } from '../config-schema.js';
import { buildPolicy } from '../parts/policy.js';

const bad = (message: string, cause?: unknown) => fleetError('cli', 'invalid-options', message, cause);

function readStructured(file: string): unknown {
  const text = readFileSync(file, 'utf8');
  return ['.yaml', '.yml'].includes(extname(file).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
}

/** JSON text, or the path of a JSON/YAML file. */
function jsonOrFile(arg: string, what: string): { value: unknown; where: string } {
  try {
    if (arg.trim().startsWith('{')) return { value: JSON.parse(arg), where: what };
    return { value: readStructured(resolve(arg)), where: arg };
  } catch (error) {
    throw bad(`${what}: ${(error as Error).message}`, error);
  }
}

const ms = z.number().int().min(0);
const arrivalsSchema = z.union([
  z.array(z.strictObject({ atMs: ms, count: z.number().int().min(0) })),
  z.strictObject({ type: z.literal('constant'), ratePerSec: z.number().positive(), durationMs: ms, startMs: ms.optional() }),
  z.strictObject({ type: z.literal('bursts'), sizes: z.array(z.number().int().min(0)).min(1), everyMs: ms, startMs: ms.optional() }),
  z.strictObject({
    type: z.literal('diurnal'),
    troughPerSec: z.number().min(0),
    peakPerSec: z.number().min(0),
    durationMs: ms,
    periodMs: z.number().int().positive().optional(),
    stepMs: z.number().int().positive().optional(),
  }),
  z.strictObject({ type: z.literal('csv'), file: z.string().min(1) }),
]);
const traceSchema = z.looseObject({ name: z.string().optional(), arrivals: arrivalsSchema });

/** Numbers a CSV trace needs besides its timestamps, from the command line. */
export interface CsvTraceOptions {
  serviceMs?: string;
  startupMs?: string;
  durationMs?: string;
}

const num = (flag: string, text: string | undefined, fallback: number) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw bad(`--${flag}: expected a whole number of ms, got "${text}"`);
  return n;
};

/** `s0` (the built-in bursts), a JSON/YAML trace, or a CSV of timestamps. simulate() validates the numbers, naming the field. */
export function loadTrace(arg: string, csv: CsvTraceOptions = {}, seed?: number): SimulationTrace {
  const withSeed = (t: SimulationTrace) => (seed === undefined ? t : { ...t, seed });
  if (arg === 's0') return withSeed(s0Trace);
  const path = resolve(arg);
  const fromCsv = (file: string) => {
    try {
      return csvArrivals(readFileSync(file, 'utf8'));
    } catch (error) {
      throw bad(`--trace ${arg}: ${(error as Error).message.replace(/^\[fleet\] \[[\w-]+\] /, '')}`, error);
    }
  };
  if (extname(path).toLowerCase() === '.csv') {
    const arrivals = fromCsv(path);
    const last = Math.max(...arrivals.map((a) => a.atMs));
    return withSeed({
      name: arg,
      arrivals,
      serviceTimeMs: num('service-ms', csv.serviceMs, 1_000),
      startupMs: num('startup-ms', csv.startupMs, 0),
      durationMs: num('duration-ms', csv.durationMs, last + 120_000),
    });
  }
  const raw = jsonOrFile(arg, '--trace').value;
  const t = parseWith(traceSchema, raw, 'cli', `--trace ${arg}`);
  const a = t.arrivals;
  const arrivals = Array.isArray(a)
    ? a
    : a.type === 'constant'
      ? constantArrivals(a)
      : a.type === 'bursts'
        ? burstArrivals(a)
        : a.type === 'diurnal'
          ? diurnalArrivals(a)
          : fromCsv(resolve(dirname(path), a.file));
  return withSeed({ name: arg, ...(t as object), arrivals } as SimulationTrace);
}

/** Defaults for a bare policy on the command line. */
export interface ScalingDefaults {
  min?: string;
  max?: string;
  intervalMs?: string;
}

/** A policy `{ type, ... }` or scaling options `{ policy: { type, ... }, max, ... }`, as JSON text or a file. */
export function loadScaling(arg: string, defaults: ScalingDefaults = {}, what = '--policy'): SimulatedScaling {
  const { value, where } = jsonOrFile(arg, what);
  if (typeof value !== 'object' || value === null)
    throw bad(`${where}: expected an object { "type": … } or { "policy": { "type": … }, … }`);
  const hasPolicy = 'policy' in value;
  const { policy: spec, ...rest } = (hasPolicy ? value : { policy: value }) as { policy: unknown } & Record<string, unknown>;
  if (typeof spec !== 'object' || spec === null || typeof (spec as { type?: unknown }).type !== 'string') {
    throw bad(`${where}: ${hasPolicy ? 'policy.' : ''}type: expected a policy type such as "ceilTarget"`);
  }
  const unknown = Object.keys(rest).filter((key) => !AUTOSCALER_KEYS.includes(key));
  if (unknown.length > 0) {
    const known = ['policy', ...AUTOSCALER_KEYS];
    throw bad(`${where}: ${unknown.map((key) => `unknown key \`${key}\`${didYouMeanText(key, known)}`).join('; ')}`);
  }
  let policy: SimulatedScaling['policy'];
  try {
    policy = buildPolicy(spec as { type: string });
  } catch (error) {
    throw bad(`${where}: ${(error as Error).message.replace(/^\[fleet\] \[[\w-]+\] /, '')}`, error);
  }
  return {
    min: num('min', defaults.min, 1),
    max: num('max', defaults.max, 10),
    intervalMs: num('interval-ms', defaults.intervalMs, 10_000),
    ...rest,
    policy,
  } as SimulatedScaling;
}
