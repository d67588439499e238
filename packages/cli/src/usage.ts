/** Where a command reads its store when `--store` is not given and `ABKIT_STORE` is unset. */
export const DEFAULT_STORE_URL = "sqlite:./abkit.db";

const STORE_HELP = `  --store <url>      the store (env ABKIT_STORE; default ${DEFAULT_STORE_URL}):
                     memory:, sqlite:./path.db, redis://host:6379/0,
                     postgres://user@host/db, mongodb://host/db`;

/** Usage text of each command, by its name as typed (`keys create`). */
export const USAGE: Record<string, string> = {
  "": `abkit: the abkit experimentation engine from the command line

Usage:
  abkit serve [--port 3000] [--host 127.0.0.1] [--dashboard-path /] [--no-dashboard] [--store <url>]
  abkit keys create [--name <name>] [--scope sdk|admin] [--project <id>] [--org <id>]
  abkit keys list [--org <id>]
  abkit keys revoke <id>
  abkit experiments list [--project <id>] [--status draft|running|stopped|shipped]
  abkit results <experimentKey> [--project <id>] [--json]
  abkit plan --metric binomial|mean --baseline <x> --mde <x>|--users <n> [--sd <x>] [--json] ...
  abkit gate <experimentKey> --policy <file> [--store <url> | --url <base> --key <key>] [--json]
  abkit logs export <experimentKey> --format jsonl [--project <id>] [--variant <key>] [--out <file>]

Every command but plan takes:
${STORE_HELP}

Run "abkit <command> --help" for a command's options; "abkit --version" for the version.`,

  serve: `Usage: abkit serve [--port 3000] [--host 127.0.0.1] [--dashboard-path /] [--no-dashboard] [--store <url>]

Serves abkit's HTTP API (evaluate, track, logs, flags, experiments, results, keys) over the
store, and the dashboard (sign in with an API key). On a store without API keys it creates
an admin key for organization "default", project "default", and prints it once. Stops
cleanly on SIGINT or SIGTERM.

Options:
  --port <n>         TCP port, 0 for any free one (default 3000)
  --host <address>   interface to listen on (default 127.0.0.1; 0.0.0.0 for all)
  --dashboard-path <path>
                     where the dashboard is served (default /)
  --no-dashboard     serve the API only, without the dashboard
  --request-timeout <ms>
                     longest a request's headers and body may take to arrive; 408 and
                     the connection closed beyond (default 30000)
  --headers-timeout <ms>
                     the same for the headers alone (default 10000)
  --keep-alive-timeout <ms>
                     how long an idle keep-alive connection stays open (default 5000)
  --max-connections-per-client <n>
                     open connections one client address may hold; more are closed at
                     once (default 256, 0 for no limit; behind a proxy, count its pool)
  --log-level <level>
                     debug, info, warn, error or silent: JSON lines on standard error,
                     every 5xx with its stack (default info)
${STORE_HELP}`,

  keys: `Usage:
  abkit keys create [--name <name>] [--scope sdk|admin] [--project <id>] [--org <id>]
  abkit keys list [--org <id>]
  abkit keys revoke <id>

Run "abkit keys <create|list|revoke> --help" for details.`,

  "keys create": `Usage: abkit keys create [--name <name>] [--scope sdk|admin] [--project <id>] [--org <id>]

Creates an API key and prints its plaintext once: only its hash is stored.

Options:
  --name <name>      a label shown in "keys list" (default: none)
  --scope <scope>    sdk (evaluate, track, log) or admin (everything); default sdk
  --project <id>     the project requests go to when they name none (default "default")
  --org <id>         the organization the key belongs to (default "default")
${STORE_HELP}`,

  "keys list": `Usage: abkit keys list [--org <id>]

Lists an organization's API keys: id, display prefix, name, scopes, project, creation and
revocation. Plaintexts and hashes are never shown.

Options:
  --org <id>         the organization (default "default")
${STORE_HELP}`,

  "keys revoke": `Usage: abkit keys revoke <id>

Revokes an API key by id (key_...): requests with it are refused from then on, in every
process. Revoking a revoked key does nothing.

Options:
${STORE_HELP}`,

  experiments: `Usage: abkit experiments list [--project <id>] [--status draft|running|stopped|shipped]

Run "abkit experiments list --help" for details.`,

  "experiments list": `Usage: abkit experiments list [--project <id>] [--status draft|running|stopped|shipped]

Lists a project's experiments, oldest first: key, status, variants with weights, start time.

Options:
  --project <id>     the project (default "default")
  --status <status>  only experiments in this status
${STORE_HELP}`,

  results: `Usage: abkit results <experimentKey> [--project <id>] [--json]

Prints an experiment's results: the verdict first (ship, keep running, no detectable
effect, guardrail harm or sample ratio mismatch, with the users still needed), the
sample-ratio check, then per metric and variant the users, the rate or mean, the effect
against the control with its 95% interval, p-values, the chance to beat the control and the
always-valid (sequential) interval, and the metric's verdict; then execution log metrics
(count, mean, p50, p95, p99). See docs/statistics.md.

Options:
  --project <id>     the project (default "default")
  --json             print the results object as JSON instead
${STORE_HELP}`,

  plan: `Usage: abkit plan --metric binomial|mean --baseline <x> --mde <x> [options]
       abkit plan --metric binomial|mean --baseline <x> --users <n> [options]

Prints the users an experiment needs to detect an effect with a two-sided test: per
variant, in total, and in days at a daily traffic. With --users instead of --mde, prints
the smallest increase those users can detect. Reads no store. See "Planning an
experiment" in docs/statistics.md.

Options:
  --metric <kind>    binomial (a conversion rate) or mean (a per-user mean)
  --baseline <x>     the control's rate, in (0, 1), or mean
  --mde <x>          the smallest effect worth detecting: 0.05 is +5% (relative)
  --mde-type <type>  relative (default) or absolute (0.02 on a rate is +2 points)
  --sd <x>           the per-user standard deviation (required for a mean)
  --alpha <x>        the two-sided significance level (default 0.05)
  --power <x>        the chance of detecting the effect (default 0.8)
  --variants <n>     arms, the control included (default 2); alpha is split over the
                     treatments (Bonferroni)
  --split <w,w,...>  traffic weights, control first (default equal): 90,10
  --variance-reduction <x>
                     the share of variance CUPED is expected to remove, in [0, 1)
  --daily-users <n>  users entering a day, to print the days it takes
  --users <n>        users in all variants: print the detectable effect instead
  --json             print the plan object (or the detectable effect) as JSON instead`,

  gate: `Usage: abkit gate <experimentKey> --policy <file> [--store <url> | --url <base> --key <key>]
                  [--project <id>] [--json]

A check for CI pipelines: reads the experiment's results (from the store, or from a running
"abkit serve" over HTTP with an admin key), applies the policy file and exits by its
decision. It fails on a sample ratio mismatch, a guardrail harm, or the metric wholly worse
on the policy's interval; passes when the metric is wholly better (with the policy's chance
to beat the control and users); and is otherwise inconclusive. See "abkit gate" in
docs/cli.md for the policy file.

Exit codes:
  0   pass
  1   fail
  2   inconclusive: not enough data yet
  3   the results could not be read (store, HTTP, unknown experiment)
  64  a usage error, or a policy file that is missing or invalid

Options:
  --policy <file>    the policy, JSON: {"metric", "variant", "minChanceToBeat", "interval",
                     "minUsers", "guardrails", "srm", "failOn"}, every field optional
  --url <base>       read the results from the HTTP API at this base URL instead of a store
  --key <key>        the admin API key for --url (env ABKIT_API_KEY)
  --project <id>     the project (default "default"; over HTTP, the key's)
  --json             print {decision, exitCode, reasons, metric, variant, numbers} as JSON
${STORE_HELP}`,

  logs: `Usage: abkit logs export <experimentKey> --format jsonl [--project <id>] [--variant <key>] [--out <file>]

Run "abkit logs export --help" for details.`,

  "logs export": `Usage: abkit logs export <experimentKey> --format jsonl [--project <id>] [--variant <key>] [--out <file>]

Writes every execution log of an experiment as JSON lines, newest first, reading the store
page by page: {"id", "variant", "input", "output", "metrics", "context", "timestamp"}.

Options:
  --format <format>  jsonl (one JSON object a line); required
  --project <id>     the project (default "default")
  --variant <key>    only this variant's logs
  --out <file>       write to this file (created or truncated) instead of standard output;
                     the count is printed on standard error
${STORE_HELP}`,
};
