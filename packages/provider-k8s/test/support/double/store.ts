// The objects of the API double, kept as JSON, with the API server's bookkeeping: resourceVersion (one counter for
// everything, as etcd's revision), generation bumped on spec changes, optimistic-concurrency preconditions.

export type Json = Record<string, unknown>;
export type Meta = { name?: string; namespace?: string; resourceVersion?: string; generation?: number; uid?: string };

/** An API answer that is not a success: the status code and a Kubernetes `Status` body. */
export class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
  body(): Json {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
  }
}

const metaOf = (o: Json) => (o.metadata ?? {}) as Meta;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Json = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** The objects, by `group/resource/namespace/name`. */
export class Store {
  private readonly objects = new Map<string, Json>();
  private revision = 100;
  private uids = 0;

  key(group: string, resource: string, namespace: string, name: string) {
    return `${group}/${resource}/${namespace}/${name}`;
  }

  list(group: string, resource: string, namespace: string): Json[] {
    const prefix = `${group}/${resource}/${namespace}/`;
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => structuredClone(v));
  }

  get(key: string, what: string): Json {
    const o = this.objects.get(key);
    if (!o) throw new ApiFailure(404, 'NotFound', `${what} not found`);
    return structuredClone(o);
  }

  create(key: string, body: Json, what: string): Json {
    if (this.objects.has(key)) throw new ApiFailure(409, 'AlreadyExists', `${what} already exists`);
    const meta = { ...metaOf(body), uid: `uid-${++this.uids}`, generation: 1, resourceVersion: String(++this.revision) };
    const o = { ...body, metadata: { ...meta, creationTimestamp: new Date().toISOString() } };
    this.objects.set(key, o);
    return structuredClone(o);
  }

  /**
   * Writes `next` over the stored object if `precondition` (the resourceVersion the writer read) still holds:
   * else 409 Conflict, as the API server answers. `generation` moves when the spec does.
   */
  update(key: string, next: Json, precondition: string | undefined, what: string): Json {
    const current = this.get(key, what);
    const rv = metaOf(current).resourceVersion;
    if (precondition !== undefined && precondition !== rv) {
      throw new ApiFailure(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const generation = (metaOf(current).generation ?? 1) + (same(current.spec, next.spec) ? 0 : 1);
    const o = { ...next, metadata: { ...metaOf(current), ...metaOf(next), generation, resourceVersion: String(++this.revision) } };
    (o.metadata as Meta).uid = metaOf(current).uid;
    this.objects.set(key, o);
    return structuredClone(o);
  }

  delete(key: string, what: string): void {
    if (!this.objects.delete(key)) throw new ApiFailure(404, 'NotFound', `${what} not found`);
  }
}
