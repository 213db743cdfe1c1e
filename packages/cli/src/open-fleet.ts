import type { Logger } from '@fleet/core';
import { assembleFleet, type Fleet } from './build-fleet.js';
import type { ResolvedConfig } from './config-schema.js';
import { autoscalerLogger } from './daemon-log.js';
import { type ConfigSource, readConfig } from './load-config.js';
import { jsonLogger } from './logger.js';

/**
 * What `fleet run` and `fleet check` both do: read the configuration, check its keys, build every part. Throws one
 * FleetError listing every problem (the configuration's keys, then each part), so check reports all that run would
 * refuse, and run refuses nothing that check accepted.
 */
export async function openFleet(
  file: string | undefined,
  options: { env?: NodeJS.ProcessEnv; prefix?: string; checkOnly?: boolean },
): Promise<{ fleet: Fleet; config: ResolvedConfig; source: ConfigSource; logger: Logger }> {
  const { draft, source, problems } = await readConfig(file, options);
  const logger = jsonLogger(draft.logLevel ?? 'info');
  const fleet = await assembleFleet(draft, source, problems, { logger: autoscalerLogger(logger), checkOnly: options.checkOnly ?? false });
  // Built without a problem, so every key the CLI reads passed its check.
  return { fleet, config: draft as ResolvedConfig, source, logger };
}
