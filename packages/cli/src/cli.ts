import { parseArgs } from 'node:util';
import { fleetError } from '@fleet/core';
import { compareCommand } from './commands/compare.js';
import { simulateCommand } from './commands/simulate.js';
import { statusCommand } from './commands/status.js';
import { USAGE } from './commands/usage.js';
import { openFleet } from './open-fleet.js';
import { startDaemon } from './run.js';

const text = { type: 'string' } as const;
const simulation = {
  trace: text,
  seed: text,
  'service-ms': text,
  'startup-ms': text,
  'duration-ms': text,
  min: text,
  max: text,
  'interval-ms': text,
} as const;
const OPTIONS = {
  run: { 'env-prefix': text },
  check: { 'env-prefix': text },
  simulate: { ...simulation, policy: text, svg: text },
  compare: { ...simulation, policy: { type: 'string', multiple: true } },
  status: { token: text, trigger: { type: 'boolean' }, 'timeout-ms': text },
} as const;

const usage = (message: string) => fleetError('cli', 'invalid-options', message);

/** Parses a command's arguments; an unknown option or a missing value is bad usage (exit 2). */
function parse<C extends keyof typeof OPTIONS>(command: C, args: string[]) {
  try {
    return parseArgs({
      args,
      options: { ...OPTIONS[command], help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usage(`${command}: ${(error as Error).message.split(/\.(\s|$)/)[0]}; see fleet ${command} --help`);
  }
}

/** Runs `fleet <argv>`; resolves to the exit code. Errors are FleetErrors the bin prints as one line. */
export async function cli(
  argv: string[],
  io: { out: (line: string) => void; env: NodeJS.ProcessEnv } = { out: console.log, env: process.env },
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE.fleet as string);
    return 0;
  }
  if (!(command in OPTIONS)) throw usage(`unknown command '${command}': expected run, check, simulate, compare or status (fleet --help)`);
  const name = command as keyof typeof OPTIONS;
  const { values, positionals } = parse(name, rest);
  const flags = values as Record<string, string | string[] | boolean | undefined>;
  if (flags.help) {
    io.out(USAGE[name] as string);
    return 0;
  }
  const extra = positionals.slice(name === 'simulate' || name === 'compare' ? 0 : 1);
  if (extra.length > 0) throw usage(`${name}: unexpected argument '${extra[0]}'; see fleet ${name} --help`);
  if ((name === 'simulate' || name === 'compare') && !flags.trace) throw usage(`${name}: --trace is required; see fleet ${name} --help`);
  if (name === 'simulate' && !flags.policy) throw usage('simulate: --policy is required; see fleet simulate --help');
  switch (name) {
    case 'simulate':
      await simulateCommand(flags, io.out);
      return 0;
    case 'compare':
      await compareCommand(flags as Parameters<typeof compareCommand>[0], io.out);
      return 0;
    case 'status':
      return statusCommand(positionals[0], flags, io.env, io.out);
    default:
      return runOrCheck(name, positionals[0], flags['env-prefix'] as string | undefined, io);
  }
}

async function runOrCheck(
  command: 'run' | 'check',
  file: string | undefined,
  prefix: string | undefined,
  io: { out: (line: string) => void; env: NodeJS.ProcessEnv },
) {
  const checkOnly = command === 'check';
  // run: a SIGINT or SIGTERM that arrives while the fleet is being built (its first workers may already be starting)
  // stops it cleanly once it is up, instead of killing the process with the default action.
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const onSigint = () => stop('SIGINT');
  const onSigterm = () => stop('SIGTERM');
  if (!checkOnly) {
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
  }
  try {
    const { fleet, config, source, logger } = await openFleet(file, { env: io.env, checkOnly, ...(prefix ? { prefix } : {}) });
    if (checkOnly) {
      await fleet.close();
      io.out(`fleet: ${source.where}: ok`);
      return 0;
    }
    const daemon = await startDaemon(fleet, config, source, logger);
    const signal = await stopped;
    const force = setTimeout(() => {
      console.error(`fleet: shutdown took longer than ${config.shutdownTimeoutMs} ms after ${signal}: exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    await daemon.stop().catch(() => {});
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
