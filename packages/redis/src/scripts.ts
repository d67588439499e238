import { AbkitError } from "@abkit/core";
import type { RedisClient } from "./clients.js";
import { COMMANDS, INCLUDES } from "./lua/sources.js";
import { expandIncludes, scriptVersion } from "./luaLoader.js";
import { type ReplicaWait, scriptSha, writeAndWait } from "./replicas.js";

/** Each command and the file (`lua/<name>-<numKeys>.lua`) it runs. */
const SCRIPTS = {
  putDefinition: "putDefinition-3",
  deleteDefinition: "deleteDefinition-3",
  recordAssignments: "recordAssignments-7",
  applyEvents: "applyEvents",
  appendLog: "appendLog-3",
  attachScore: "attachScore-4",
  createApiKey: "createApiKey-2",
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** A script ready to register: its expanded source and the command name it goes by. */
export interface LoadedScript {
  lua: string;
  command: string;
  /** The SHA1 of `lua`, for EVALSHA. */
  sha: string;
}

/** Expands every script once, at import: an include error shows at the first load. */
export const LOADED: Readonly<Record<ScriptName, LoadedScript>> = loadScripts(COMMANDS, INCLUDES);

/** Expands the store's scripts from the given sources (tests pass edited ones). */
export function loadScripts(
  commands: Readonly<Record<string, string>>,
  includes: Readonly<Record<string, string>>,
): Record<ScriptName, LoadedScript> {
  const entries = Object.entries(SCRIPTS).map(([name, file]) => {
    const source = Object.hasOwn(commands, file) ? commands[file] : undefined;
    if (source === undefined) {
      throw new AbkitError("internal", `redis store: no Lua script ${file}`, { details: { file } });
    }
    const lua = expandIncludes(file, source, includes);
    return [name, { lua, command: `abkit:${name}:${scriptVersion(lua)}`, sha: scriptSha(lua) }];
  });
  return Object.fromEntries(entries);
}

/** Runs one of the store's Lua scripts with its keys and arguments. */
export type RunScript = (
  name: ScriptName,
  keys: string[],
  args: (string | number)[],
) => Promise<unknown>;

/**
 * Registers the scripts on a client as commands named `abkit:<name>:<version>`, the version
 * a digest of the script. ioredis sends each by SHA (EVALSHA) and, after a NOSCRIPT (a
 * restarted or flushed server, or a cluster node it has not used yet), sends the source
 * again. With `wait`, each script is followed by WAIT on the same connection instead
 * (`writeAndWait`).
 */
export function registerScripts(client: RedisClient, wait: ReplicaWait | null): RunScript {
  for (const { command, lua } of Object.values(LOADED)) {
    if (typeof (client as unknown as Record<string, unknown>)[command] === "function") continue;
    client.defineCommand(command, { lua });
  }
  return (name, keys, args) => {
    if (wait !== null) return writeAndWait(client, wait, { script: LOADED[name], keys, args });
    const command = (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[
      LOADED[name].command
    ];
    if (!command) throw new Error(`script ${name} is not registered`);
    return command.call(client, keys.length, ...keys, ...args);
  };
}
