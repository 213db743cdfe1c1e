import { type Pm2ProviderOptions, parsePm2Options } from './options.js';
import type { Pm2AppConfig } from './pm2-api.js';
import { appsOf } from './pm2-provider.js';

/**
 * The PM2 ecosystem file for the same fleet the provider manages, so `pm2 start ecosystem.config.cjs` registers it
 * by hand exactly as `pm2Provider` would: named mode gives `max` apps, the first `min` started and the rest
 * registered stopped (`autostart: false`); instances mode one app with `min` instances.
 *
 * @example
 * // ecosystem.config.cjs
 * module.exports = pm2Ecosystem({ mode: 'named', name: 'ai-bot-worker', script: './worker.js', min: 1, max: 10 });
 */
export function pm2Ecosystem(options: Pm2ProviderOptions): { apps: Pm2AppConfig[] } {
  return { apps: appsOf(parsePm2Options(options, 'pm2Ecosystem() options')) };
}
