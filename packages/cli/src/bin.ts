import { isFleetError } from '@fleet/core';
import { cli } from './cli.js';

cli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One line: what is wrong, where. Exit 2 for bad usage or a bad configuration, 1 for anything else.
    const message = String((error as Error)?.message ?? error).replace(/^\[fleet\] \[[\w-]+\] /, '');
    console.error(`fleet: ${message}`);
    process.exit(isFleetError(error, 'invalid-options') || isFleetError(error, 'not-supported') ? 2 : 1);
  },
);
