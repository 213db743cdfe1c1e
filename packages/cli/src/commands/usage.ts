/** The help text of each command, printed by `fleet <command> --help`. */
export const USAGE: Record<string, string> = {
  fleet: `usage: fleet <command> [options]

commands:
  run [config]        start an Autoscaler from a config file (JSON, YAML, JS/TS) or FLEET_* variables
  check [config]      validate a configuration and exit
  simulate            replay a trace through a policy on a fake clock: timeline, summary, SVG chart
  compare             run several policies on one trace, one table side by side
  status <url>        print an Autoscaler's status endpoint (or trigger a tick with --trigger)

fleet <command> --help shows a command's options.`,
  run: `usage: fleet run [config.{json,yaml,yml,js,mjs,cjs,ts}] [--env-prefix FLEET_]

Starts an Autoscaler from the config file or, without one, from environment variables with the prefix
(FLEET_MAX=10, FLEET_POLICY__TYPE=ceilTarget, …). Logs JSON lines; SIGINT/SIGTERM stop it cleanly.`,
  check: `usage: fleet check [config] [--env-prefix FLEET_]

Builds every part of the configuration as run does (policy, metric sources, provider, Autoscaler, endpoints) and
starts none of them. Exits 0, or 2 with one line per problem, each naming the key. A JS or TS config is executed.`,
  simulate: `usage: fleet simulate --policy <json|file> --trace <file|s0> [--svg out.svg] [--seed n]

  --policy   a policy { "type": "ceilTarget", ... } or scaling options { "policy": {...}, "max": 10, "cooldown": {...} },
             as JSON text or a .json/.yaml file; a bare policy gets --min (1), --max (10) and --interval-ms (10000)
  --trace    s0 (built in: 16 then 50 messages), a .json/.yaml trace { arrivals, serviceTimeMs, startupMs, durationMs },
             or a .csv of arrival timestamps (with --service-ms, --startup-ms, --duration-ms)
  --svg      also write the chart of queue depth and workers as an SVG file
Prints the timeline (one row per tick) and the summary.`,
  compare: `usage: fleet compare --trace <file|s0> [--policy name=<json|file>]... [--seed n]

Runs each policy on the same trace and prints one table: p50/p95/max wait, worker-seconds, peak workers,
scale events, flaps. Without --policy, compares four built-in policies: a queue-depth rule (ceilTarget), a
utilization step rule, HPA-style target tracking and the recommended default. --policy, --trace and the CSV options are as for fleet simulate.`,
  status: `usage: fleet status <url> [--token <token>] [--trigger] [--timeout-ms 10000]

Prints the status endpoint's JSON (e.g. http://127.0.0.1:8080/api/auto-scaler/status). The token comes from
--token or FLEET_TOKEN and is sent as a bearer token; --trigger POSTs to the sibling /trigger route and prints
the Decision of the tick it ran. Redirects are not followed (the token goes only to the URL given); no answer
within --timeout-ms, a non-2xx, more than 1 MiB, or JSON that is not a status or a Decision exits 1 with one line.
The token is never printed.`,
};
