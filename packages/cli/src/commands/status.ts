import { STATUS_CODES } from 'node:http';
import { errorText, fleetError } from '@fleet/core';
import { TOKEN_VARIABLE } from '../own-variables.js';
import { roundMs } from '../round-ms.js';
import { readCapped } from './read-capped.js';

/** The most of an answer `fleet status` reads: a status or a Decision is a few kilobytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** @default for `--timeout-ms`. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** Flags of `fleet status`. */
export interface StatusFlags {
  token?: string;
  trigger?: boolean;
  'timeout-ms'?: string;
}

const usage = (message: string) => fleetError('cli', 'invalid-options', message);

function timeoutOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1 || ms > 2_147_483_647) {
    throw usage(`status: --timeout-ms: expected a whole number of ms from 1 to 2147483647, got "${text}"`);
  }
  return ms;
}

/** What an answer must look like: core's status or a Decision, or a mapping that keeps `enabled` / `action`. */
function shapeProblem(body: unknown, trigger: boolean): string | undefined {
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  if (trigger) {
    const ok = record && ['scale-up', 'scale-down', 'hold'].includes(record.action as string);
    return ok ? undefined : 'a Decision (an object whose "action" is "scale-up", "scale-down" or "hold")';
  }
  return record && typeof record.enabled === 'boolean' ? undefined : 'a status (an object with "enabled": true or false)';
}

/**
 * `fleet status <url>`: prints the status JSON, or with `--trigger` runs one tick and prints its Decision (ages and
 * durations, keys ending in `Ms`, in whole milliseconds). Every
 * failure (no answer in time, a redirect, a non-2xx, a body too large, not JSON, the wrong shape) is one FleetError
 * line; the token is never printed, and a redirect is never followed, so the token goes only to the URL given.
 */
export async function statusCommand(
  url: string | undefined,
  flags: StatusFlags,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  if (!url) throw usage('status: expected the status URL, e.g. http://127.0.0.1:8080/status');
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw fleetError('cli', 'invalid-options', `status: expected an http(s) URL, got "${url}"`, error);
  }
  if (!/^https?:$/.test(target.protocol)) throw usage(`status: expected an http(s) URL, got "${url}"`);
  const timeoutMs = timeoutOf(flags['timeout-ms']);
  const token = flags.token ?? env[TOKEN_VARIABLE];
  // Checked here: fetch would refuse such a header with a message that quotes it.
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw usage('status: the token must be printable ASCII without spaces (from --token or FLEET_TOKEN)');
  }
  if (flags.trigger) target.pathname = target.pathname.replace(/\/status$/, '/trigger');
  // Anything the server sends back is shown without the token, on one line.
  const shown = (text: string) => (token ? text.split(token).join('***') : text).replace(/\s+/g, ' ').trim();
  const fail = (problem: string, cause?: unknown) => fleetError('cli', 'provider-failed', shown(`${target.href}: ${problem}`), cause);
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(target, {
      method: flags.trigger ? 'POST' : 'GET',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      redirect: 'manual',
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw fail(`no answer within ${timeoutMs} ms (--timeout-ms)`, error);
    throw fail(`no answer: ${errorText((error as { cause?: unknown } | null)?.cause ?? error)}`, error);
  }
  // The standard reason phrase: the server's own could be anything.
  const status = `${response.status} ${STATUS_CODES[response.status] ?? ''}`.trim();
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => {});
    const where = response.headers.get('location');
    throw fail(
      `answered ${status} to ${where ? `"${where.slice(0, 200)}"` : 'nowhere'}; redirects are not followed, so the token goes only to the URL given`,
    );
  }
  const read = await readCapped(response, MAX_ANSWER_BYTES).catch((error: unknown) => {
    throw fail(
      signal.aborted ? `no complete answer within ${timeoutMs} ms (--timeout-ms)` : `the answer broke off: ${errorText(error)}`,
      error,
    );
  });
  if (read === undefined) throw fail(`answered more than ${MAX_ANSWER_BYTES} bytes: not a status endpoint`);
  let body: unknown;
  let json = true;
  try {
    body = JSON.parse(read);
  } catch {
    json = false;
  }
  if (!response.ok) {
    const hint = response.status === 401 ? ' (pass --token or set FLEET_TOKEN)' : '';
    const said = (body as { error?: unknown } | undefined)?.error;
    throw fail(`${status}${hint}${typeof said === 'string' ? `: ${said.slice(0, 300)}` : ''}`);
  }
  if (!json) throw fail(`answered ${status} with a body that is not JSON: not a status endpoint`);
  const problem = shapeProblem(body, flags.trigger === true);
  if (problem) throw fail(`answered JSON that is not ${problem}`);
  const text = JSON.stringify(roundMs(body), null, 2);
  out(token ? text.split(token).join('***') : text);
  return 0;
}
