import { errorText, type Logger, redactSecrets } from '@fleet/core';

/** A log level. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Errors as `{ message, code }`, every string redacted: a log line never carries URL credentials or query values. */
function redacted(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { message: errorText(value), code: (value as { code?: unknown }).code };
  return typeof value === 'string' ? redactSecrets(value) : value;
}

/**
 * Structured logs: one JSON object per line on stdout, `{ time, level, msg, event, ...fields }`, for log shippers;
 * `event` is `'log'` unless the fields name one.
 * Errors in fields are written as `{ message, code }`; every string passes through `redactSecrets`.
 */
export function jsonLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const at = (name: LogLevel) => (fields: unknown, message?: unknown) => {
    if (LEVELS[name] < LEVELS[level]) return;
    const extra = typeof fields === 'object' && fields !== null ? fields : {};
    const msg = typeof fields === 'string' ? fields : String(message ?? '');
    // Every line names its event, so a log shipper can select lines by it.
    const line = JSON.stringify({ time: new Date().toISOString(), level: name, msg, event: 'log', ...extra }, redacted);
    write(line);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
