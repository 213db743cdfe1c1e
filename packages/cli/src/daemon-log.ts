import { type Autoscaler, errorText, type LogFn, type Logger } from '@fleet/core';
import { roundMs } from './round-ms.js';

/**
 * Writes each Autoscaler event as one log line whose `event` field names it: `decision` (with its code, the
 * metrics and the reason), `scaled`, `error`, `leader`. Ages and durations among the metrics are whole milliseconds.
 */
export function logEvents(autoscaler: Autoscaler, logger: Logger): void {
  autoscaler.on('decision', (d) =>
    logger.info({ event: 'decision', action: d.action, from: d.from, to: d.to, code: d.code, metrics: roundMs(d.metrics) }, d.reason),
  );
  autoscaler.on('scaled', (e) =>
    logger.info({ event: 'scaled', from: e.from, to: e.to, code: e.code }, `scaled ${e.from} → ${e.to}: ${e.reason}`),
  );
  autoscaler.on('error', (e) => logger.warn({ event: 'error', phase: e.phase, source: e.source, err: e.error }, errorText(e.error)));
  autoscaler.on('leader', (e) => logger.info({ event: 'leader', ...e }, e.leading ? 'leading' : 'following'));
}

const has = (fields: unknown, key: string) => typeof fields === 'object' && fields !== null && key in fields;
/** Writes a line with `event` added; a line given as a bare string keeps it as the message. */
function forward(write: LogFn | undefined, event: string, fields: unknown, message?: unknown): void {
  if (typeof fields === 'string') write?.({ event }, fields);
  else write?.({ event, ...(typeof fields === 'object' && fields !== null ? fields : {}) }, message);
}

/**
 * The logger the Autoscaler itself writes to, so that the daemon's lines all carry an `event` and none is written
 * twice. The daemon logs from events (above); what the Autoscaler logs besides them is kept: a warning no event
 * carries (a provider whose clock runs ahead) as `event: 'warning'`, and its debug lines as `event: 'debug'`. Its
 * lines that repeat an event are dropped: `scaled` (its only info line), a failure (a warning with a `phase`, which
 * the `error` event carries), a decision (a debug line with the `decision`).
 */
export function autoscalerLogger(logger: Logger): Logger {
  const warning = (fields: unknown, message?: unknown) => {
    if (!has(fields, 'phase')) forward(logger.warn, 'warning', fields, message);
  };
  return {
    debug: (fields: unknown, message?: unknown) => {
      if (!has(fields, 'decision')) forward(logger.debug, 'debug', fields, message);
    },
    info: () => {},
    warn: warning,
    error: warning,
  };
}
