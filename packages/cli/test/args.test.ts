import { describe, expect, it } from "vitest";
import { parseCommand, parsePort, UsageError } from "../src/args.js";
import { storeUrl } from "../src/context.js";
import { EXIT, runCli } from "../src/main.js";
import { DEFAULT_STORE_URL, USAGE } from "../src/usage.js";
import { captureContext } from "./helpers.js";

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const ctx = captureContext(env);
  const code = await runCli(args, ctx);
  return { code, stdout: ctx.stdout.join("\n"), stderr: ctx.stderr.join("\n") };
}

describe("usage errors exit 2 and print the command's usage", () => {
  it.each([
    [[], "missing command", ""],
    [["launch"], 'unknown command "launch"', ""],
    [["keys"], "missing subcommand", "keys"],
    [["keys", "rotate"], 'unknown subcommand "rotate"', "keys"],
    [["keys", "list", "--bogus"], "Unknown option '--bogus'", "keys list"],
    [["keys", "list", "extra"], 'unexpected argument "extra"', "keys list"],
    [["keys", "revoke"], "missing <id>", "keys revoke"],
    [["keys", "create", "--scope", "owner"], "--scope must be one of sdk, admin", "keys create"],
    [["keys", "create", "--name"], "argument missing", "keys create"],
    [["experiments"], "missing subcommand: list", "experiments"],
    [["experiments", "list", "--status", "paused"], "--status must be one of", "experiments list"],
    [["results"], "missing <experimentKey>", "results"],
    [["results", "a", "b"], 'unexpected argument "b"', "results"],
    [["serve", "--port", "http"], "--port must be an integer from 0 to 65535", "serve"],
    [["serve", "--port", "70000"], "--port must be an integer from 0 to 65535", "serve"],
  ])("abkit %j", async (args, message, command) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(EXIT.usage);
    expect(stdout).toBe("");
    expect(stderr).toContain(`error: `);
    expect(stderr).toContain(message);
    expect(stderr).toContain(USAGE[command]);
  });
});

describe("--help", () => {
  it.each([
    [["--help"], ""],
    [["-h"], ""],
    [["help"], ""],
    [["help", "results"], "results"],
    [["serve", "--help"], "serve"],
    [["keys", "--help"], "keys"],
    [["keys", "create", "--help"], "keys create"],
    [["keys", "list", "-h"], "keys list"],
    [["keys", "revoke", "--help"], "keys revoke"],
    [["experiments", "--help"], "experiments"],
    [["experiments", "list", "--help"], "experiments list"],
    [["results", "--help"], "results"],
  ])("abkit %j prints the usage and exits 0", async (args, command) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(EXIT.ok);
    expect(stderr).toBe("");
    expect(stdout).toBe(USAGE[command]);
  });

  it("documents every command at the top level", () => {
    for (const command of ["serve", "keys create", "keys list", "keys revoke"]) {
      expect(USAGE[""]).toContain(`abkit ${command}`);
    }
    expect(USAGE[""]).toContain("abkit experiments list");
    expect(USAGE[""]).toContain("abkit results <experimentKey>");
  });

  it("skips a leading -- (as `pnpm start -- <command>` passes it)", async () => {
    const { code, stdout } = await run(["--", "keys", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toBe(USAGE.keys);
  });

  it("prints the version", async () => {
    const { code, stdout } = await run(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("errors of a command", () => {
  it("prints an AbkitError as `error [code]: message` and exits 1", async () => {
    const { code, stdout, stderr } = await run(["results", "nope", "--store", "memory:"]);
    expect(code).toBe(EXIT.failed);
    expect(stdout).toBe("");
    expect(stderr).toBe('error [not_found]: experiment "nope" not found');
  });

  it("rejects a store URL of an unknown scheme with a clear message", async () => {
    const { code, stderr } = await run(["keys", "list", "--store", "ftp://db/abkit"]);
    expect(code).toBe(EXIT.failed);
    expect(stderr).toMatch(
      /^error \[validation_failed\]: .*"ftp:\/\/db\/abkit" is not a store URL/,
    );
    expect(stderr).toContain("memory:, sqlite:<path>");
  });

  it("reads the store from ABKIT_STORE when --store is absent", async () => {
    const { code, stderr } = await run(["keys", "list"], { ABKIT_STORE: "nope://x" });
    expect(code).toBe(EXIT.failed);
    expect(stderr).toContain('"nope://x" is not a store URL');
  });
});

describe("store URL resolution", () => {
  it("prefers --store, then ABKIT_STORE, then sqlite:./abkit.db", () => {
    const ctx = captureContext({ ABKIT_STORE: "memory:" });
    expect(storeUrl(ctx, "sqlite:./x.db")).toBe("sqlite:./x.db");
    expect(storeUrl(ctx, undefined)).toBe("memory:");
    expect(storeUrl(captureContext({ ABKIT_STORE: "" }), undefined)).toBe(DEFAULT_STORE_URL);
    expect(storeUrl(captureContext(), undefined)).toBe("sqlite:./abkit.db");
  });
});

describe("parseCommand", () => {
  it("returns typed values and positionals", () => {
    const parsed = parseCommand(
      "results",
      ["exp-1", "--json", "--project", "web"],
      { json: { type: "boolean" }, project: { type: "string" } },
      { positionals: ["experimentKey"] },
    );
    expect(parsed).toEqual({
      values: { json: true, project: "web" },
      positionals: ["exp-1"],
      help: false,
    });
  });

  it("accepts --option=value", () => {
    const parsed = parseCommand("keys list", ["--org=acme"], { org: { type: "string" } });
    expect(parsed.values.org).toBe("acme");
  });

  it("turns parseArgs errors into usage errors of the command", () => {
    expect(() => parseCommand("keys list", ["--org"], { org: { type: "string" } })).toThrow(
      UsageError,
    );
  });

  it("parses ports", () => {
    expect(parsePort("0", "serve")).toBe(0);
    expect(parsePort("65535", "serve")).toBe(65535);
    for (const bad of ["-1", "1.5", "", "3e3", "65536"]) {
      expect(() => parsePort(bad, "serve")).toThrow(UsageError);
    }
  });
});
