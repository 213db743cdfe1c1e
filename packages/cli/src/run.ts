import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Autoscaler, Logger } from '@fleet/core';
import { buildFleet, type Fleet } from './build-fleet.js';
import type { ResolvedConfig } from './config-schema.js';
import { autoscalerLogger, logEvents } from './daemon-log.js';
import type { ConfigSource } from './load-config.js';
import { jsonLogger } from './logger.js';

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

/** Builds the fleet a configuration describes (as `fleet check` does) and starts it. */
export async function runDaemon(
  config: ResolvedConfig,
  source: ConfigSource,
  logger: Logger = jsonLogger(config.logLevel),
): Promise<Daemon> {
  return startDaemon(await buildFleet(config, source, { logger: autoscalerLogger(logger) }), config, source, logger);
}

/**
 * Starts a built fleet: its status and Prometheus endpoints when configured, then the Autoscaler, logging each of
 * its events as a JSON line. If an endpoint cannot listen, the fleet is closed and the error thrown.
 */
export async function startDaemon(fleet: Fleet, config: ResolvedConfig, source: ConfigSource, logger: Logger): Promise<Daemon> {
  const { autoscaler, statusHandler, prometheusRegistry: registry } = fleet;
  const { status, prometheus } = config;
  logEvents(autoscaler, logger);
  const servers: Server[] = [];
  let statusUrl: string | undefined;
  let metricsUrl: string | undefined;
  try {
    if (status && statusHandler) {
      const server = createServer(statusHandler);
      servers.push(server);
      statusUrl = `${await listen(server, status.port, status.host)}${status.basePath ?? ''}/status`;
    }
    if (prometheus && registry) {
      const server = createServer(async (req, res) => {
        // The target read as a path only: a URL parser would take `//host/metrics` for a host and the path /metrics.
        if ((req.url ?? '').split(/[?#]/)[0] !== prometheus.path) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      });
      servers.push(server);
      metricsUrl = `${await listen(server, prometheus.port, prometheus.host)}${prometheus.path}`;
    }
  } catch (error) {
    await Promise.all(servers.filter((s) => s.listening).map(close));
    await fleet.close();
    throw error;
  }
  void autoscaler.start();
  logger.info(
    { event: 'started', name: autoscaler.options.name, statusUrl, metricsUrl, source: source.where },
    `fleet: ${autoscaler.options.name} started (${fleet.policy.name} on ${fleet.provider.name})`,
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
        await fleet.close();
        logger.info({ event: 'stopped' }, 'fleet: stopped');
      })()),
  };
}
