import { z } from 'zod';
import type { AutoscalerOptions } from '../options.js';
import { type ServiceTime, serviceTimeSchema } from './service-time.js';
import type { Arrival } from './traces.js';

/** Options of `simulate`. Times in ms. */
export interface SimulateOptions {
  /** A label for the run (a trace's name); not used by the simulation. */
  name?: string;
  /** The Autoscaler's options, without `metrics`, `provider` and `clock` (the simulator supplies them). */
  autoscaler: Omit<AutoscalerOptions, 'metrics' | 'provider' | 'clock'>;
  /** The trace: `count` jobs arrive at `atMs` (see `constantArrivals`, `burstArrivals`, `diurnalArrivals`, `csvArrivals`). */
  arrivals: Arrival[];
  /** How long one worker takes per job: ms, or a distribution (`{ type: 'mix', mix: [{ ms, weight }] }`…). */
  serviceTimeMs: ServiceTime;
  /** Seed of the service-time draws: the same seed gives the same run. @default 1 */
  seed?: number;
  /** How long a new worker takes to become ready. @default 0 */
  startupMs?: number;
  /** How long to simulate. */
  durationMs: number;
  /** Workers at the start. @default 1 */
  initial?: number;
  /** Simulation step. @default 100 */
  stepMs?: number;
}

export const simulateSchema = z.strictObject({
  name: z.string().optional(),
  // Checked in full by the Autoscaler itself, which names the field.
  autoscaler: z.custom<SimulateOptions['autoscaler']>(
    (v) => typeof v === 'object' && v !== null,
    'expected Autoscaler options (policy, min, max…)',
  ),
  arrivals: z.array(z.strictObject({ atMs: z.number().int().min(0), count: z.number().int().min(0) })),
  serviceTimeMs: serviceTimeSchema,
  seed: z.number().int().default(1),
  startupMs: z.number().int().min(0).default(0),
  durationMs: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 3600_000),
  initial: z.number().int().min(0).default(1),
  stepMs: z.number().int().positive().default(100),
});
simulateSchema satisfies z.ZodType<unknown, SimulateOptions>;
