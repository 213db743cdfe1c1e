/** One log method; pino's `(obj, msg)` and console's `(...args)` both fit. */
export type LogFn = (...args: unknown[]) => void;

/** The logger `@fleet` writes to: pino, console, or anything with these methods. Calls are `(fields, message)`. */
export interface Logger {
  debug?: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => {};

/** A logger that drops everything: the default, so a library never prints unasked. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** A logger that prints `message` and the fields as one line to the console. */
export function consoleLogger(prefix = '[fleet]'): Logger {
  const line = (write: (s: string) => void) => (fields: unknown, message?: unknown) => {
    const text = typeof fields === 'string' ? fields : String(message ?? '');
    write(`${prefix} ${text}`);
  };
  return {
    debug: noop,
    info: line((s) => console.log(s)),
    warn: line((s) => console.warn(s)),
    error: line((s) => console.error(s)),
  };
}
