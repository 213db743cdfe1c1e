import { call, type HttpSettings } from './http.js';

/** The longest wait one `POST /wait` asks for; the object holds at most 30 s. */
const PER_REQUEST_MS = 25_000;
/** The pause after a failed wait request, so an unreachable object is not hammered by idle workers. */
const AFTER_FAILURE_MS = 1_000;

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Long-polls `POST /wait` until the object says a job may be ready, `timeoutMs` passes or `signal` aborts. Never
 * rejects: the wait is only a hint to claim again, and a failure here would surface in that claim anyway.
 */
export async function waitForJobs(http: HttpSettings, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return;
    const wait = Math.min(left, PER_REQUEST_MS);
    try {
      // One try per request (no retries inside: the loop is the retry), and time enough for the object to answer.
      const settings = { ...http, retries: 0, timeoutMs: http.timeoutMs + wait };
      const { ready } = await call<{ ready: boolean }>(settings, 'POST', 'wait', { timeoutMs: wait }, signal);
      if (ready) return;
    } catch {
      if (signal?.aborted) return;
      await sleep(Math.min(AFTER_FAILURE_MS, Math.max(0, deadline - Date.now())), signal);
      return;
    }
  }
}
