/** The bearer token `fleet status` sends when `--token` is not given. */
export const TOKEN_VARIABLE = 'FLEET_TOKEN';

/**
 * Environment variables the CLI reads for itself. They share the `FLEET_` prefix with the configuration variables
 * but set no configuration key, so `FLEET_TOKEN=… fleet check` does not read them as an option `token`.
 */
export const OWN_VARIABLES: ReadonlySet<string> = new Set([TOKEN_VARIABLE]);
