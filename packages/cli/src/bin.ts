import { isFleetError } from '@fleet/core';
import { loadConfig } from './load-config.js';
import { runDaemon } from './run.js';

const USAGE = `usage: fleet run [config.{json,yaml,js,ts}] [--env-prefix FLEET_]
       fleet check [config]    validate a configuration and exit
Without a file, the configuration comes from environment variables (FLEET_MAX=10, FLEET_POLICY__TYPE=ceilTarget, …).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const prefixAt = rest.indexOf('--env-prefix');
  const prefix = prefixAt >= 0 ? rest[prefixAt + 1] : undefined;
  const file = rest.filter((_, i) => prefixAt < 0 || (i !== prefixAt && i !== prefixAt + 1))[0];
  if (command !== 'run' && command !== 'check') {
    console.error(USAGE);
    return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
  const { config, source } = await loadConfig(file, prefix ? { prefix } : {});
  if (command === 'check') {
    console.log(`fleet: ${source.where}: ok`);
    return 0;
  }
  const daemon = await runDaemon(config, source);
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      const force = setTimeout(() => {
        console.error(`fleet: shutdown took longer than ${config.shutdownTimeoutMs} ms after ${signal}: exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs);
      force.unref();
      daemon.stop().then(resolve, resolve);
    };
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One line: what is wrong, where. Exit 2 for a bad configuration, 1 for anything else.
    const message = String((error as Error)?.message ?? error).replace(/^\[fleet\] \[[\w-]+\] /, '');
    console.error(`fleet: ${message}`);
    process.exit(isFleetError(error, 'invalid-options') || isFleetError(error, 'not-supported') ? 2 : 1);
  },
);
