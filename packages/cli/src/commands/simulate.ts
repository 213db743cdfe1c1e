import { writeFileSync } from 'node:fs';
import { simulate } from '@fleet/core';
import { loadScaling, loadTrace } from './sim-inputs.js';

/** The options `fleet simulate` and `fleet compare` share. */
export interface SimulationFlags {
  trace?: string;
  seed?: string;
  'service-ms'?: string;
  'startup-ms'?: string;
  'duration-ms'?: string;
  min?: string;
  max?: string;
  'interval-ms'?: string;
}

/** The trace the flags name, with their CSV numbers and seed. */
export function traceOf(flags: SimulationFlags) {
  const seed = flags.seed === undefined ? undefined : Number(flags.seed);
  return loadTrace(
    flags.trace as string,
    { serviceMs: flags['service-ms'], startupMs: flags['startup-ms'], durationMs: flags['duration-ms'] },
    seed,
  );
}

/** The bare-policy defaults the flags give. */
export const scalingDefaultsOf = (flags: SimulationFlags) => ({ min: flags.min, max: flags.max, intervalMs: flags['interval-ms'] });

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `fleet simulate`: the timeline, the summary, and the chart when `--svg` is given. */
export async function simulateCommand(flags: SimulationFlags & { policy?: string; svg?: string }, out: (line: string) => void) {
  const trace = traceOf(flags);
  const scaling = loadScaling(flags.policy as string, scalingDefaultsOf(flags));
  const { name, ...run } = trace;
  const result = await simulate({ ...run, autoscaler: scaling });
  const m = result.summary;
  out(result.table());
  out('');
  out(
    `${m.arrived} jobs, ${m.leftWaiting} left waiting; wait p50 ${s(m.waitP50Ms)}, p95 ${s(m.waitP95Ms)}, max ${s(m.waitMaxMs)}; ` +
      `${m.workerSeconds} worker-seconds; peak ${m.peakWorkers} workers; ${m.scaleEvents} scale events, ${m.flaps} flaps`,
  );
  if (flags.svg) {
    writeFileSync(flags.svg, result.svg({ title: `${scaling.policy.name} on ${name ?? flags.trace}` }));
    out(`chart: ${flags.svg}`);
  }
}
