import { expect } from 'vitest';
import { type RunningWorker, TOKEN } from './workerd.js';

/** An API answer as JSON. */
export interface Answer {
  status: number;
  body: { success: boolean; ids?: string[]; jobs?: { id: string; token: string }[]; error?: { code: string; message: string } };
}

/** Sends one API request with no client library: `raw` is sent as it is, `body` as JSON. */
export async function send(
  worker: RunningWorker,
  path: string,
  init: { method?: string; body?: unknown; raw?: string; auth?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.auth !== null) headers.authorization = init.auth ?? `Bearer ${TOKEN}`;
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const response = await fetch(`${worker.origin}${path}`, {
    method: init.method ?? 'POST',
    headers,
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** The queue's rows (straight from storage) and its stats (through the API): what a refused request must not change. */
export async function snapshot(worker: RunningWorker, queue: string, basePath = '/queues') {
  const { rows } = await worker.inspect(queue, basePath);
  const stats = (await send(worker, `${basePath}/${queue}/stats`, { method: 'GET' })).body as unknown as { stats: Record<string, number> };
  // The oldest ready job ages while the test runs: compare the rest.
  const { oldestReadyAgeMs: _age, ...counts } = stats.stats;
  return { rows, counts };
}

/** Sends a request that must be refused with `status` and `code`, mentioning each of `mentions`, and change nothing. */
export async function refusedUnchanged(
  worker: RunningWorker,
  queue: string,
  action: string,
  init: Parameters<typeof send>[2],
  expected: { status: number; code: string; mentions?: string[] },
): Promise<string> {
  const before = await snapshot(worker, queue);
  const answer = await send(worker, `/queues/${queue}/${action}`, init);
  expect([answer.status, answer.body.success, answer.body.error?.code]).toEqual([expected.status, false, expected.code]);
  const message = answer.body.error?.message ?? '';
  expect(message).toMatch(/^\[fleet\] \[queue-do\] /);
  for (const word of expected.mentions ?? []) expect(message).toContain(word);
  expect(await snapshot(worker, queue)).toEqual(before);
  return message;
}
