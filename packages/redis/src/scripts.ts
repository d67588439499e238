import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

/** Bumped whenever a script changes, so two releases sharing a server never collide. */
const SCRIPTS_VERSION = 5;

const SCRIPTS = {
  putDefinition: "putDefinition-3",
  deleteDefinition: "deleteDefinition-3",
  recordAssignments: "recordAssignments-5",
  applyEvents: "applyEvents",
  appendLog: "appendLog-3",
  createApiKey: "createApiKey-2",
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** Runs one of the store's Lua scripts with its keys and arguments. */
export type RunScript = (
  name: ScriptName,
  keys: string[],
  args: (string | number)[],
) => Promise<unknown>;

/**
 * Registers the scripts on a client as commands named `abkit:<name>:v<version>`. ioredis
 * sends each by SHA (EVALSHA) and, after a NOSCRIPT (a restarted or flushed server), sends
 * the source again.
 */
export function registerScripts(client: Redis): RunScript {
  for (const [name, file] of Object.entries(SCRIPTS)) {
    const command = commandName(name as ScriptName);
    if (typeof (client as unknown as Record<string, unknown>)[command] === "function") continue;
    client.defineCommand(command, {
      lua: readFileSync(new URL(`./lua/${file}.lua`, import.meta.url), "utf8"),
    });
  }
  return (name, keys, args) => {
    const command = (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
      commandName(name)
    ];
    if (!command) throw new Error(`script ${name} is not registered`);
    return command.call(client, keys.length, ...keys, ...args);
  };
}

function commandName(name: ScriptName): string {
  return `abkit:${name}:v${SCRIPTS_VERSION}`;
}
