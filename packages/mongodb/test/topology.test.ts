import type { Db } from "mongodb";
import { MongoServerError } from "mongodb";
import { describe, expect, it } from "vitest";
import { checkTopology, topologyOf } from "../src/server.js";

// `hello` replies as MongoDB 7 sends them (trimmed of fields the check does not read).
const common = {
  isWritablePrimary: true,
  maxBsonObjectSize: 16_777_216,
  maxWireVersion: 21,
  minWireVersion: 0,
  localTime: new Date("2026-01-02T03:04:05.678Z"),
  readOnly: false,
  ok: 1,
};
const standalone = { ...common, topologyVersion: { counter: 0 } };
const replicaSetPrimary = {
  ...common,
  setName: "rs0",
  setVersion: 1,
  hosts: ["127.0.0.1:27017"],
  primary: "127.0.0.1:27017",
  me: "127.0.0.1:27017",
};
const mongos = { ...common, msg: "isdbgrid" };

describe("the deployment the store accepts", () => {
  it("accepts a replica set member and a mongos", () => {
    expect(topologyOf(replicaSetPrimary)).toBe("replicaSet");
    expect(topologyOf({ ...replicaSetPrimary, isWritablePrimary: false, secondary: true })).toBe(
      "replicaSet",
    );
    expect(topologyOf(mongos)).toBe("mongos");
  });

  it("refuses a standalone server with store_unavailable naming the fix", () => {
    for (const reply of [standalone, { ismaster: true, ok: 1 }, { ...standalone, setName: "" }]) {
      expect(() => topologyOf(reply)).toThrow(
        expect.objectContaining({
          code: "store_unavailable",
          details: { store: "mongodb" },
          message: expect.stringMatching(
            /standalone.*--replSet rs0.*rs\.initiate\(\).*one-node replica set.*mongos/,
          ),
        }),
      );
    }
  });

  it("asks hello, and isMaster on servers that predate hello", async () => {
    const asked: string[] = [];
    const fakeDb = (replies: Record<string, () => unknown>) =>
      ({
        command: async (command: Record<string, unknown>) => {
          const name = Object.keys(command)[0]!;
          asked.push(name);
          return replies[name]!();
        },
      }) as unknown as Db;
    await expect(checkTopology(fakeDb({ hello: () => mongos }))).resolves.toBe("mongos");
    const old = fakeDb({
      hello: () => {
        throw new MongoServerError({ message: "no such command: 'hello'", code: 59 });
      },
      isMaster: () => ({ ismaster: true, ok: 1 }),
    });
    await expect(checkTopology(old)).rejects.toMatchObject({ code: "store_unavailable" });
    expect(asked).toEqual(["hello", "hello", "isMaster"]);
  });
});
