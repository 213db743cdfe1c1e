import { readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeTempDir, writeTls } from '../kube-process.js';
import { authorize, type Rule, type User, verbOf } from './authorize.js';
import { ApiFailure, type Json, type Meta, mergePatch, Store } from './store.js';

/** One request the double answered: what the API server's audit log would say. */
export interface LoggedRequest {
  method: string;
  path: string;
  user: string;
  code: number;
}

// apps/v1 kinds and the Scale object of any resource with `spec.replicas`, as the API server returns them.
const KINDS: Record<string, string> = {
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  leases: 'Lease',
  horizontalpodautoscalers: 'HorizontalPodAutoscaler',
  pods: 'Pod',
};

function scaleOf(o: Json): Json {
  const m = o.metadata as Meta;
  const spec = (o.spec ?? {}) as { replicas?: number };
  const status = (o.status ?? {}) as { replicas?: number };
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0 },
  };
}

/**
 * A fast, faithful double of the Kubernetes API for what @fleet/provider-k8s uses: objects under
 * `/apis/{group}/{version}/namespaces/{ns}/{resource}[/{name}[/scale|/status]]` (and `/api/v1` for the core group),
 * get/list/create/update/merge-patch/delete, the `/scale` and `/status` subresources, one resourceVersion counter with
 * 409 Conflict on a stale precondition, bearer tokens and RBAC-like rules with the API server's 403 wording.
 * Every request lands in `log`.
 */
export class ApiDouble {
  readonly store = new Store();
  readonly log: LoggedRequest[] = [];
  private readonly users = new Map<string, User>();
  private server?: Server;
  private port = 0;
  private tls?: { key: Buffer; cert: Buffer; caData: string };

  /** The CA of the double's serving certificate (TLS like the real one: client-node refuses plain HTTP). */
  get caData(): string {
    return this.tls?.caData ?? '';
  }

  /** A bearer token for `user`; `admin` users pass every check (system:masters). */
  addUser(token: string, name: string, admin = false): void {
    this.users.set(token, { name, admin, rules: [] });
  }

  /** Adds RBAC-like rules to a user, as a Role and RoleBinding in `namespace` would. */
  grant(name: string, namespace: string, rules: Omit<Rule, 'namespace'>[]): void {
    for (const user of this.users.values()) if (user.name === name) user.rules.push(...rules.map((r) => ({ ...r, namespace })));
  }

  /** Listens on 127.0.0.1 (on the previous port when restarted), returns the URL. */
  async start(): Promise<string> {
    if (!this.tls) {
      const dir = makeTempDir();
      const caData = writeTls(dir);
      this.tls = { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.crt')), caData };
      rmSync(dir, { recursive: true, force: true });
    }
    const server = createServer({ key: this.tls.key, cert: this.tls.cert }, (req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.url;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** Stops answering (open connections are cut), as a stopped API server does. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const user = this.users.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    const path = (req.url ?? '/').split('?')[0] as string;
    let code = 200;
    let body: Json;
    try {
      if (!user) throw new ApiFailure(401, 'Unauthorized', 'Unauthorized');
      const text = Buffer.concat(chunks).toString('utf8');
      body = this.route(req.method ?? 'GET', path, text ? (JSON.parse(text) as Json) : {}, user);
      if (req.method === 'POST') code = 201;
    } catch (error) {
      const failure = error instanceof ApiFailure ? error : new ApiFailure(500, 'InternalError', String(error));
      code = failure.code;
      body = failure.body();
    }
    this.log.push({ method: req.method ?? 'GET', path, user: user?.name ?? '', code });
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private route(method: string, path: string, input: Json, user: User): Json {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?(?:\/(scale|status))?$/.exec(path);
    if (!m) throw new ApiFailure(404, 'NotFound', `the server could not find the requested resource (${path})`);
    const [, coreVersion, group = '', version = coreVersion, namespace = '', resource = '', name, sub] = m;
    const verb = verbOf(method, name);
    authorize(user, { verb, group, resource: sub ? `${resource}/${sub}` : resource, namespace, name });
    const what = `${resource}${group ? `.${group}` : ''} "${name ?? ''}"`;
    const apiVersion = group ? `${group}/${version}` : 'v1';
    if (!name) {
      if (method === 'GET')
        return { apiVersion, kind: `${KINDS[resource] ?? 'Object'}List`, metadata: {}, items: this.store.list(group, resource, namespace) };
      const body = { ...input, apiVersion, kind: KINDS[resource] ?? input.kind, metadata: { ...(input.metadata as Meta), namespace } };
      const meta = body.metadata as Meta;
      return this.store.create(this.store.key(group, resource, namespace, meta.name ?? ''), body, `${resource} "${meta.name}"`);
    }
    const key = this.store.key(group, resource, namespace, name);
    if (method === 'DELETE') {
      this.store.delete(key, what);
      return { kind: 'Status', apiVersion: 'v1', status: 'Success', metadata: {} };
    }
    const current = this.store.get(key, what);
    if (method === 'GET') return sub === 'scale' ? scaleOf(current) : current;
    const precondition = (input.metadata as Meta | undefined)?.resourceVersion;
    if (sub === 'scale') {
      const scale = (method === 'PATCH' ? mergePatch(scaleOf(current), input) : input) as { spec?: { replicas?: number } };
      const next = { ...current, spec: { ...(current.spec as Json), replicas: scale.spec?.replicas } };
      return scaleOf(this.store.update(key, next, precondition, what));
    }
    const patched = (method === 'PATCH' ? mergePatch(current, input) : input) as Json;
    // The status subresource writes only status; the main resource never writes status (Deployments, like the real one).
    const next =
      sub === 'status'
        ? { ...current, status: patched.status }
        : { ...patched, status: resource === 'leases' ? undefined : current.status };
    return this.store.update(key, next, precondition, what);
  }
}
