import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Autoscaler,
  type AutoscalerOptions,
  errorText,
  fleetError,
  type Logger,
  type PromClient,
  prometheusCollector,
  statusHandler,
} from '@fleet/core';
import type { ResolvedConfig } from './config-schema.js';
import type { ConfigSource } from './load-config.js';
import { jsonLogger } from './logger.js';
import { buildMetric, buildPolicy, buildProvider } from './registry.js';

/** A running daemon. */
export interface Daemon {
  autoscaler: Autoscaler;
  /** Where the status endpoint listens, when configured. */
  statusUrl?: string;
  /** Where the Prometheus endpoint listens, when configured. */
  metricsUrl?: string;
  /** Stops ticking (waiting for the tick in flight), closes the servers, the provider and the sources. */
  stop(): Promise<void>;
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`));
  });

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Builds one part, naming the config key in its error. */
async function part<T>(source: ConfigSource, key: string, build: () => T | Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    throw fleetError(
      'cli',
      'invalid-options',
      `${source.where}: ${key}: ${(error as Error).message.replace(/^\[fleet\] \[[\w-]+\] /, '')}`,
      error,
    );
  }
}

/** Starts an Autoscaler from a validated configuration, with its status and Prometheus endpoints when asked. */
export async function runDaemon(
  config: ResolvedConfig,
  source: ConfigSource,
  logger: Logger = jsonLogger(config.logLevel),
): Promise<Daemon> {
  const { policy: p, provider: pv, metrics: ms, status, prometheus, logLevel: _l, shutdownTimeoutMs: _s, ...numbers } = config;
  const policy = await part(source, 'policy', () => buildPolicy(p));
  const metrics = await Promise.all(ms.map((m, i) => part(source, `metrics.${i}`, () => buildMetric(m))));
  const provider = await part(source, 'provider', () => buildProvider(pv));
  const autoscaler = await part(
    source,
    '(autoscaler)',
    () => new Autoscaler({ ...(numbers as Partial<AutoscalerOptions>), policy, metrics, provider, max: config.max, logger }),
  );
  autoscaler.on('decision', (d) =>
    logger.info({ event: 'decision', action: d.action, from: d.from, to: d.to, code: d.code, metrics: d.metrics }, d.reason),
  );
  autoscaler.on('error', (e) => logger.warn({ event: 'error', phase: e.phase, source: e.source, err: e.error }, errorText(e.error)));
  autoscaler.on('leader', (e) => logger.info({ event: 'leader', ...e }, e.leading ? 'leading' : 'following'));

  const servers: Server[] = [];
  let statusUrl: string | undefined;
  let metricsUrl: string | undefined;
  if (status) {
    const { port, host, ...handlerOptions } = status;
    const server = createServer(statusHandler(autoscaler, handlerOptions));
    statusUrl = `${await listen(server, port, host)}${status.basePath ?? ''}/status`;
    servers.push(server);
  }
  if (prometheus) {
    let client: PromClient & { register: { metrics(): Promise<string>; contentType: string } };
    try {
      client = (await import('prom-client')) as unknown as typeof client;
    } catch (error) {
      throw fleetError('cli', 'not-supported', `${source.where}: prometheus: needs prom-client: npm i prom-client`, error);
    }
    prometheusCollector(autoscaler, { client });
    const server = createServer(async (req, res) => {
      // The target read as a path only: a URL parser would take `//host/metrics` for a host and the path /metrics.
      if ((req.url ?? '').split(/[?#]/)[0] !== prometheus.path) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': client.register.contentType }).end(await client.register.metrics());
    });
    metricsUrl = `${await listen(server, prometheus.port, prometheus.host)}${prometheus.path}`;
    servers.push(server);
  }
  autoscaler.start();
  logger.info(
    { event: 'started', name: autoscaler.options.name, statusUrl, metricsUrl, source: source.where },
    `fleet: ${autoscaler.options.name} started (${policy.name} on ${provider.name})`,
  );
  let stopping: Promise<void> | undefined;
  return {
    autoscaler,
    ...(statusUrl ? { statusUrl } : {}),
    ...(metricsUrl ? { metricsUrl } : {}),
    stop: () =>
      (stopping ??= (async () => {
        await autoscaler.stop();
        await Promise.all(servers.map(close));
        await provider.close?.();
        await Promise.all(metrics.map((m) => m.close?.()));
        logger.info({ event: 'stopped' }, 'fleet: stopped');
      })()),
  };
}
