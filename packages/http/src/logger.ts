/** How much a logger writes, least to most severe; `silent` writes nothing. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Where the HTTP API reports what a response cannot carry: the stack of an unexpected
 * error, the cause of a store outage. Fields first, then the message, as pino and
 * Fastify's `app.log` take them, so either can be passed as it is.
 */
export interface Logger {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  debug(fields: Record<string, unknown>, message: string): void;
}

/** Options of `jsonLogger`. */
export interface JsonLoggerOptions {
  /** The least severe level written. Default `info`. */
  level?: LogLevel;
  /** Where each line goes. Default: standard error. */
  write?: (line: string) => void;
}

/**
 * A logger writing one JSON object per line: `{ time, level, msg, ...fields }`. Errors in
 * fields (any `err`) are written with their name, code, message, stack and causes.
 *
 * @example
 * const api = createAbkitHandler({ store, logger: jsonLogger({ level: "warn" }) });
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? "info");
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const at =
    (level: Exclude<LogLevel, "silent">) => (fields: Record<string, unknown>, msg: string) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
      for (const [name, value] of Object.entries(fields)) record[name] = errorJson(value, 0);
      let line: string;
      try {
        line = JSON.stringify(record);
      } catch {
        // A field that cannot be written (a cycle, a BigInt) must not hide the message.
        line = JSON.stringify({ time: record.time, level, msg, unserializable: true });
      }
      write(`${line}\n`);
    };
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

/** A logger that writes nothing. */
export const silentLogger: Logger = jsonLogger({ level: "silent", write: () => {} });

// --- Internal helpers ---

// Errors have no enumerable fields, and abkit's `toJSON` leaves out the stack: write what a
// reader of the log needs, causes included (a few levels deep).
function errorJson(value: unknown, depth: number): unknown {
  if (!(value instanceof Error) || depth > 4) return value;
  const { code, details } = value as { code?: unknown; details?: unknown };
  return {
    name: value.name,
    message: value.message,
    ...(code === undefined ? {} : { code }),
    ...(details === undefined ? {} : { details }),
    stack: value.stack,
    ...(value.cause === undefined ? {} : { cause: errorJson(value.cause, depth + 1) }),
  };
}
