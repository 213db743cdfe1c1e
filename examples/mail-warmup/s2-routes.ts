import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Autoscaler, type Decision, type RequestHandler, statusHandler } from '@fleet/core';

/**
 * S2's API as a mapping over core's `statusHandler`: `GET /api/auto-scaler/status` and `POST /api/auto-scaler/trigger`
 * go to core's handler (which checks the bearer token in constant time and runs the tick), and its JSON answer is
 * renamed to S2's fields. Errors (401, 403, 405) pass through unchanged.
 */
export function s2Routes(scaler: Autoscaler, o: { token: string; mailboxesPerWorker: number }): RequestHandler {
  const core = statusHandler(scaler, { token: o.token, protectStatus: true, basePath: '/api/auto-scaler' });
  const utilization = (mailboxes: number | undefined, workers: number) =>
    mailboxes === undefined || workers === 0 ? null : Math.round((mailboxes / (workers * o.mailboxesPerWorker)) * 1000) / 10;
  const fromDecision = (d: Decision) => ({
    action: d.action,
    currentWorkers: d.from,
    targetWorkers: d.to,
    reason: d.reason,
    mailboxCount: d.metrics.mailboxes ?? null,
    utilizationPercent: utilization(d.metrics.mailboxes, d.from),
  });
  const fromStatus = (s: { enabled: boolean; current?: number; desired?: number; lastDecision?: Decision }) => {
    const workers = s.lastDecision?.to ?? s.current ?? 0;
    return {
      enabled: s.enabled,
      currentWorkers: workers,
      targetWorkers: s.desired ?? workers,
      utilizationPercent: utilization(s.lastDecision?.metrics.mailboxes, workers),
      mailboxCount: s.lastDecision?.metrics.mailboxes ?? null,
      reason: s.lastDecision?.reason ?? null,
      action: s.lastDecision?.action ?? null,
      lastCheck: s.lastDecision ? new Date(s.lastDecision.at).toISOString() : null,
    };
  };
  return (req: IncomingMessage, res: ServerResponse, next) => {
    // Capture core's answer, then send it renamed: the mapping is the only code here.
    let status = 200;
    let headers: Record<string, string> = {};
    const capture = {
      writeHead(code: number, h: Record<string, string> = {}) {
        status = code;
        headers = h;
        return capture;
      },
      end(body: string) {
        let json = JSON.parse(body);
        if (status === 200) json = req.url?.endsWith('/trigger') ? fromDecision(json) : fromStatus(json);
        res.writeHead(status, headers).end(JSON.stringify(json));
      },
    };
    core(req, capture as unknown as ServerResponse, next);
  };
}
