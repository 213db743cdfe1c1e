// Runs inside the test Worker: sends a request whose body is a stream that counts what is pulled from it, so a test
// sees how much of a body the object read before answering, with no socket buffers in between.

/** What `GET /pull-probe?…` answers: the object's status and JSON answer, and the body bytes it had pulled. */
export interface ProbeAnswer {
  status: number;
  body: { success: boolean; error?: { code: string; message: string } };
  pulled: number;
  total: number;
}

type Route = (request: Request) => Promise<Response> | undefined;

/**
 * Query: `path` (the API path to POST to), `total` (body bytes), `prefix` (text the body starts with, spaces
 * follow), `auth` (the Authorization header, none when absent), `framing` (`length`: a fixed length the object sees
 * as content-length; `chunked`: no length up front).
 */
export async function pullProbe(request: Request, route: Route): Promise<Response> {
  const q = new URL(request.url).searchParams;
  const total = Number(q.get('total'));
  const prefix = new TextEncoder().encode(q.get('prefix') ?? '');
  const filler = new Uint8Array(16_384).fill(0x20);
  let pulled = 0;
  const counted = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const next = pulled === 0 && prefix.length > 0 ? prefix : filler.subarray(0, Math.min(filler.length, total - pulled));
        pulled += next.byteLength;
        controller.enqueue(next.slice());
      },
    },
    { highWaterMark: 0 },
  );
  let body: ReadableStream<Uint8Array> = counted;
  if (q.get('framing') === 'length') {
    // workerd's FixedLengthStream: the request then carries `content-length: total`.
    const fixed = new (
      globalThis as unknown as { FixedLengthStream: new (n: number) => TransformStream<Uint8Array, Uint8Array> }
    ).FixedLengthStream(total);
    void counted.pipeTo(fixed.writable).catch(() => undefined);
    body = fixed.readable;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const auth = q.get('auth');
  if (auth !== null) headers.authorization = auth;
  const target = new URL(q.get('path') ?? '/', request.url);
  const answer = await route(new Request(target, { method: 'POST', headers, body, duplex: 'half' } as RequestInit));
  if (!answer) return new Response('no route', { status: 500 });
  const answered: ProbeAnswer = { status: answer.status, body: (await answer.json()) as ProbeAnswer['body'], pulled, total };
  await counted.cancel().catch(() => undefined);
  return Response.json(answered);
}
