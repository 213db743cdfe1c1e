import { compare, fleetError, s0Contenders } from '@fleet/core';
import { loadScaling } from './sim-inputs.js';
import { type SimulationFlags, scalingDefaultsOf, traceOf } from './simulate.js';

/** `fleet compare`: every `--policy name=<json|file>` (or the four built-in contenders) on one trace, one table. */
export async function compareCommand(flags: SimulationFlags & { policy?: string[] }, out: (line: string) => void) {
  const trace = traceOf(flags);
  const given = flags.policy ?? [];
  const policies = given.length === 0 ? s0Contenders : {};
  for (const entry of given) {
    const at = entry.indexOf('=');
    if (at <= 0) throw fleetError('cli', 'invalid-options', `--policy ${entry}: expected name=<json|file>`);
    const name = entry.slice(0, at);
    if (name in policies) throw fleetError('cli', 'invalid-options', `--policy ${name}: given twice`);
    policies[name] = loadScaling(entry.slice(at + 1), scalingDefaultsOf(flags), `--policy ${name}`);
  }
  const result = await compare(trace, policies);
  out(`${trace.name ?? flags.trace}`);
  out('');
  out(result.table());
}
