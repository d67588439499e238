import { AbkitError, createApiKey, type Store, StoreUnavailableError } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { describe, expect, it } from "vitest";
import { jsonLogger, type Logger } from "../src/index.js";
import { MOUNTS, startServer } from "./servers.js";

/** A logger that keeps what it is given. */
function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void lines.push({ level, fields, message });
  const logger: Logger = {
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
  };
  return { logger, lines };
}

/** The memory store, with `method` throwing `failure` while `failing.on`. */
function failingStore(method: keyof Store, failure: () => unknown) {
  const store = memoryStore();
  const failing = { on: false };
  const wrapped = new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name !== method || typeof value !== "function") return value;
      return (...args: unknown[]) =>
        failing.on ? Promise.reject(failure()) : value.apply(target, args);
    },
  });
  return { store: wrapped, failing };
}

describe.each(MOUNTS)("failures on %s", (mount) => {
  const run = async (failure: () => unknown) => {
    const { store, failing } = failingStore("loadDefinitions", failure);
    const { plaintext } = await createApiKey(store, {
      organizationId: "acme",
      projectId: "default",
      scopes: ["admin"],
    });
    const { logger, lines } = recordingLogger();
    const server = await startServer(mount, { store, logger });
    try {
      failing.on = true;
      const response = await fetch(`${server.url}/api/v1/experiments`, {
        headers: { "X-Api-Key": plaintext },
      });
      return { status: response.status, text: await response.text(), lines };
    } finally {
      await server.close();
    }
  };

  it("logs an unexpected error with its stack and answers a 500 that leaks nothing", async () => {
    const { status, text, lines } = await run(() => new TypeError("secret.internal is undefined"));
    expect(status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: { code: "internal", message: "unexpected error; the server log has the details" },
    });
    expect(text).not.toContain("secret");
    const logged = lines.find((line) => line.level === "error");
    expect(logged?.message).toBe("GET /api/v1/experiments failed");
    expect(logged?.fields).toMatchObject({ status: 500, method: "GET" });
    const err = logged?.fields.err as Error;
    expect(err.message).toBe("secret.internal is undefined");
    expect(err.stack).toContain("TypeError");
  });

  it("answers a store outage with a 503 that names no internals, and logs its cause", async () => {
    const cause = Object.assign(new Error("disk I/O error at /var/lib/abkit.db"), {
      code: "SQLITE_IOERR",
    });
    const { status, text, lines } = await run(
      () => new StoreUnavailableError("sqlite", "SQLITE_IOERR: disk I/O error", cause),
    );
    expect(status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "store_unavailable",
        message: "the store is unavailable or timed out; retry later",
      },
    });
    expect(text).not.toMatch(/SQLITE|\/var\//);
    const err = lines.find((line) => line.level === "error")?.fields.err as AbkitError;
    expect(err.code).toBe("store_unavailable");
    expect((err.cause as Error).message).toContain("/var/lib/abkit.db");
  });

  it("logs a refused request at debug only", async () => {
    const { status, lines } = await run(
      () => new AbkitError("not_found", 'experiment "x" not found'),
    );
    expect(status).toBe(404);
    expect(lines.map((line) => line.level)).toEqual(["debug"]);
  });
});

describe("jsonLogger", () => {
  it("writes one JSON line per record at or above its level, errors with stack and cause", () => {
    const written: string[] = [];
    const logger = jsonLogger({ level: "warn", write: (line) => void written.push(line) });
    logger.debug({}, "hidden");
    logger.info({}, "hidden too");
    const err = new AbkitError("store_unavailable", "down", {
      cause: new Error("ECONNREFUSED 127.0.0.1:6379"),
    });
    logger.error({ err, path: "/api/v1/track" }, "POST /api/v1/track failed");
    logger.warn(
      {
        cycle: (() => {
          const o: Record<string, unknown> = {};
          o.o = o;
          return o;
        })(),
      },
      "odd",
    );
    expect(written).toHaveLength(2);
    expect(written.every((line) => line.endsWith("\n"))).toBe(true);
    const first = JSON.parse(written[0]!);
    expect(first).toMatchObject({
      level: "error",
      msg: "POST /api/v1/track failed",
      path: "/api/v1/track",
      err: { name: expect.stringContaining("Error"), code: "store_unavailable", message: "down" },
    });
    expect(first.err.stack).toContain("down");
    expect(first.err.cause.message).toBe("ECONNREFUSED 127.0.0.1:6379");
    expect(typeof first.time).toBe("string");
    expect(JSON.parse(written[1]!)).toMatchObject({
      level: "warn",
      msg: "odd",
      unserializable: true,
    });
  });
});
