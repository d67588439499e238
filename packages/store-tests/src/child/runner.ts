/**
 * The child-process side of the cross-process cases, run as
 * `node --import <tsx> --conditions=@abkit/source runner.ts`. It opens the store a
 * `ChildStoreSpec` names, reports ready, waits for `go`, does its task, prints the result
 * as one JSON line, closes the store and exits. See ./protocol.ts.
 */
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import type { Store } from "@abkit/core";
import type { ChildMessage, ChildRequest, ChildTask, DefinitionWriteOutcome } from "./protocol.js";
import { GO } from "./protocol.js";

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let settled = false;
// Node exits (code 13) when a promise the task awaits can never settle: say so on stderr.
process.on("exit", () => {
  if (!settled) process.stderr.write("abkit store-tests child: a store promise never settled\n");
});

try {
  const request = JSON.parse(await nextLine("request")) as ChildRequest;
  const store = await openStore(request);
  // One read before reporting ready, so connecting and warming up are not part of the race.
  await store.definitionsVersion("store-tests-warm-up");
  send({ abkitChild: "ready" });
  const go = (await nextLine(GO)).split(" ");
  if (go[0] !== GO) throw new Error(`expected "${GO} <time>", got ${JSON.stringify(go.join(" "))}`);
  await waitUntil(Number(go[1]));
  const result = await run(store, request.task);
  await store.close();
  send({ abkitChild: "result", result });
} catch (error) {
  const code = (error as { code?: unknown } | null)?.code;
  process.stderr.write(
    `abkit store-tests child ${process.pid} failed${code === undefined ? "" : ` (code ${String(code)})`}: ${
      error instanceof Error ? (error.stack ?? error.message) : String(error)
    }\n`,
  );
  process.exitCode = 1;
} finally {
  settled = true;
  process.stdin.destroy();
}

// --- Internal helpers ---

async function nextLine(what: string): Promise<string> {
  const next = await lines.next();
  if (next.done) throw new Error(`stdin closed before the ${what} line`);
  return next.value;
}

// Sleeps until just before `startAt` (epoch ms), then spins to it: every child starts its
// writes within a fraction of a millisecond of the others, not when its stdin wakes it.
async function waitUntil(startAt: number): Promise<void> {
  const sleep = startAt - Date.now() - 2;
  if (sleep > 0) await new Promise((resolve) => setTimeout(resolve, sleep));
  while (Date.now() < startAt) {
    // spin
  }
}

async function openStore({ spec }: ChildRequest): Promise<Store> {
  const url = /^file:/.test(spec.module) ? spec.module : pathToFileURL(spec.module).href;
  const module = (await import(url)) as Record<string, unknown>;
  const factory = module[spec.exportName];
  if (typeof factory !== "function") {
    throw new Error(`${spec.module} has no function export "${spec.exportName}"`);
  }
  return (await factory(...spec.args)) as Store;
}

async function run(store: Store, task: ChildTask): Promise<unknown> {
  switch (task.op) {
    case "applyEvents": {
      const results = [];
      for (const batch of task.batches)
        results.push(await store.applyEvents(task.projectId, batch));
      return results;
    }
    case "recordAssignments": {
      const results = [];
      for (const batch of task.batches) results.push(await store.recordAssignments(batch));
      return results;
    }
    case "attachScores": {
      const results = [];
      for (const score of task.scores) results.push(await store.attachScore(score));
      return results;
    }
    case "putDefinitions": {
      const results: DefinitionWriteOutcome[] = [];
      for (const { kind, record, expectedRevision } of task.writes) {
        try {
          results.push({ version: await store.putDefinition(kind, record, expectedRevision) });
        } catch (error) {
          const code = (error as { code?: unknown } | null)?.code;
          if (typeof code !== "string") throw error;
          results.push({ code });
        }
      }
      return results;
    }
  }
}

function send(message: ChildMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
