import { z } from 'zod';
import type { AutoscalerOptions } from '../options.js';

/** Options of `simulate`. Times in ms. */
export interface SimulateOptions {
  /** The Autoscaler's options, without `metrics`, `provider` and `clock` (the simulator supplies them). */
  autoscaler: Omit<AutoscalerOptions, 'metrics' | 'provider' | 'clock'>;
  /** The trace: `count` jobs arrive at `atMs`. */
  arrivals: Array<{ atMs: number; count: number }>;
  /** How long one worker takes per job. */
  serviceTimeMs: number;
  /** How long a new worker takes to become ready. @default 0 */
  startupMs?: number;
  /** How long to simulate. */
  durationMs: number;
  /** Workers at the start. @default 1 */
  initial?: number;
  /** Simulation step. @default 100 */
  stepMs?: number;
}

export const simulateSchema = z.object({
  // Checked in full by the Autoscaler itself, which names the field.
  autoscaler: z.custom<SimulateOptions['autoscaler']>(
    (v) => typeof v === 'object' && v !== null,
    'expected Autoscaler options (policy, min, max…)',
  ),
  arrivals: z.array(z.object({ atMs: z.number().int().min(0), count: z.number().int().min(0) })),
  serviceTimeMs: z.number().int().positive(),
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
