import type { Logger } from '@fleet/core';

/** A log level. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Structured logs: one JSON object per line on stdout, `{ time, level, msg, ...fields }`, for log shippers.
 * Errors in fields are written as `{ message, code }`.
 */
export function jsonLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Logger {
  const at = (name: LogLevel) => (fields: unknown, message?: unknown) => {
    if (LEVELS[name] < LEVELS[level]) return;
    const extra = typeof fields === 'object' && fields !== null ? fields : {};
    const msg = typeof fields === 'string' ? fields : String(message ?? '');
    const line = JSON.stringify({ time: new Date().toISOString(), level: name, msg, ...extra }, (_k, v) =>
      v instanceof Error ? { message: v.message, code: (v as { code?: unknown }).code } : v,
    );
    write(line);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
