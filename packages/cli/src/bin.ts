import { cli } from './cli.js';
import { failureOf } from './failure.js';

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const { code, line } = failureOf(error);
    console.error(line);
    process.exit(code);
  },
);
