/** Polls `check` every 50 ms until it holds or `timeoutMs` passes; resolves whether it held. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

export const signal = (): AbortSignal => new AbortController().signal;
