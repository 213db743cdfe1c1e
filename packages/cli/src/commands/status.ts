import { fleetError } from '@fleet/core';

/** `fleet status <url>`: prints the status JSON, or with `--trigger` runs one tick and prints its Decision. */
export async function statusCommand(
  url: string | undefined,
  flags: { token?: string; trigger?: boolean },
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  if (!url) throw fleetError('cli', 'invalid-options', 'status: expected the status URL, e.g. http://127.0.0.1:8080/status');
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw fleetError('cli', 'invalid-options', `status: expected an http(s) URL, got "${url}"`, error);
  }
  if (!/^https?:$/.test(target.protocol)) throw fleetError('cli', 'invalid-options', `status: expected an http(s) URL, got "${url}"`);
  if (flags.trigger) target.pathname = target.pathname.replace(/\/status$/, '/trigger');
  const token = flags.token ?? env.FLEET_TOKEN;
  let response: Response;
  try {
    response = await fetch(target, {
      method: flags.trigger ? 'POST' : 'GET',
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw fleetError('cli', 'provider-failed', `${target.href}: ${(error as Error).cause ?? (error as Error).message}`, error);
  }
  const text = await response.text();
  if (!response.ok) {
    const hint = response.status === 401 ? ' (pass --token or set FLEET_TOKEN)' : '';
    throw fleetError('cli', 'provider-failed', `${target.href}: ${response.status} ${response.statusText}${hint}: ${text.trim()}`);
  }
  try {
    out(JSON.stringify(JSON.parse(text), null, 2));
  } catch {
    out(text);
  }
  return 0;
}
