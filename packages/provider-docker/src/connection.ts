import Dockerode from 'dockerode';
import { z } from 'zod';
import { bounded } from './call.js';
import { engineError } from './engine-error.js';

/** Where the Docker engine listens, as the docker CLI's `DOCKER_HOST` / `--tls*` flags say it. */
export type DockerConnection =
  | {
      /** A unix socket, e.g. `/var/run/docker.sock`. */
      socketPath: string;
    }
  | {
      /** Host name or address of a TCP engine. */
      host: string;
      /** @default 2375, or 2376 with TLS */
      port?: number;
      /** `https` for TLS (then `ca`, `cert`, `key` are the client's PEM files' contents). @default 'http' */
      protocol?: 'http' | 'https';
      /** CA certificate (PEM) the engine's certificate must chain to. */
      ca?: string | Buffer;
      /** Client certificate (PEM). */
      cert?: string | Buffer;
      /** Client key (PEM). */
      key?: string | Buffer;
    };

/** The `docker` option: a dockerode instance you built, or where to connect. Default: `DOCKER_HOST`, else the local socket. */
export type DockerOption = Dockerode | DockerConnection;

const pem = z.union([z.string(), z.instanceof(Buffer)]);
export const dockerOptionSchema = z.union(
  [
    z.custom<Dockerode>((v) => v instanceof Dockerode || typeof (v as { listContainers?: unknown } | null)?.listContainers === 'function'),
    z.strictObject({ socketPath: z.string().min(1) }),
    z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65_535).optional(),
      protocol: z.enum(['http', 'https']).optional(),
      ca: pem.optional(),
      cert: pem.optional(),
      key: pem.optional(),
    }),
  ],
  'expected a dockerode instance, { socketPath }, or { host, port?, protocol?, ca?, cert?, key? }',
);

/** The oldest Engine API this package uses (Docker 20.10), and the newest it pins to. */
export const MIN_API = '1.41';
export const MAX_API = '1.47';

const versionNumber = (v: string) => v.split('.').map(Number) as [number, number];
const older = (a: string, b: string) => {
  const [x, y] = versionNumber(a);
  const [u, w] = versionNumber(b);
  return x < u || (x === u && y < w);
};

/**
 * One connection to one engine. The first call reads `GET /version` and pins the API version to the engine's own
 * (at most {@link MAX_API}), so requests keep their meaning on a newer engine; an engine older than {@link MIN_API}
 * is refused with a clear error. A dockerode instance you pass is used as it is (its own `version` setting holds).
 */
export class EngineConnection {
  /** Where requests go, for error messages. */
  readonly where: string;
  private client?: Promise<Dockerode>;

  constructor(
    private readonly option: DockerOption | undefined,
    private readonly callTimeoutMs: number,
  ) {
    const modem = (option instanceof Dockerode ? option : new Dockerode(option as Dockerode.DockerOptions | undefined)).modem as {
      socketPath?: string;
      host?: string;
      port?: string | number;
      protocol?: string;
    };
    this.where =
      modem.host === undefined
        ? typeof modem.socketPath === 'string'
          ? `unix://${modem.socketPath}`
          : 'the default Docker socket'
        : `${modem.protocol ?? 'http'}://${modem.host}:${modem.port ?? ''}`;
  }

  /** Runs `fn` with a negotiated client, bounded by `callTimeoutMs`; failures become clear FleetErrors. */
  async call<T>(
    what: string,
    signal: AbortSignal | undefined,
    fn: (docker: Dockerode, signal: AbortSignal) => Promise<T>,
    extra: { image?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    try {
      return await bounded(what, extra.timeoutMs ?? this.callTimeoutMs, signal, async (s) => fn(await this.negotiate(s), s));
    } catch (error) {
      throw engineError(what, error, this.where, extra.image);
    }
  }

  private negotiate(signal: AbortSignal): Promise<Dockerode> {
    this.client ??= (async () => {
      const base = this.option instanceof Dockerode ? this.option : new Dockerode(this.option as Dockerode.DockerOptions | undefined);
      const version = base.version.bind(base) as unknown as (opts: object) => Promise<{ ApiVersion?: string }>;
      const v = await version({ abortSignal: signal });
      const api = v.ApiVersion ?? MIN_API;
      if (older(api, MIN_API))
        throw new Error(`the engine speaks Engine API ${api}; @fleet/provider-docker needs ${MIN_API} (Docker 20.10) or newer`);
      if (this.option instanceof Dockerode) return base;
      return new Dockerode({ ...(this.option as Dockerode.DockerOptions | undefined), version: `v${older(api, MAX_API) ? api : MAX_API}` });
    })().catch((error) => {
      // Not reachable yet: the next call tries again (the engine may be back).
      this.client = undefined;
      throw error;
    });
    return this.client;
  }
}
