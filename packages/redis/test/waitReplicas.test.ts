import { ulid } from "ulid";
import { afterAll, expect, it } from "vitest";
import { redisStore } from "../src/index.js";
import { deleteKeys, describeWithRedis, REDIS_URL } from "./redisServer.js";

// The machine's Redis has no replica: with waitReplicas every write is applied on the
// server but never acknowledged (in doubt), and reads still work.
const prefix = `abkit-test:${ulid()}:`;
afterAll(() => deleteKeys(prefix));

describeWithRedis("redis store with waitReplicas on a server without replicas", () => {
  it("rejects each write as in doubt after waiting half of timeoutMs, the write applied", async () => {
    const store = redisStore({ url: REDIS_URL, prefix, timeoutMs: 400, waitReplicas: 1 });
    try {
      const project = {
        id: "wait-web",
        organizationId: "acme",
        name: "Web",
        createdAt: new Date().toISOString(),
      };
      // A plain command (HSETNX) and a script (recordAssignments) both wait, one after the
      // other: WAIT holds the connection.
      const writes = [
        () => store.createProject(project),
        () =>
          store.recordAssignments([
            { projectId: "p", experimentId: "e", entityId: "u1", variantKey: "A", assignedAt: "" },
          ]),
      ];
      for (const write of writes) {
        const error = await write().catch((caught: unknown) => caught);
        expect(error).toMatchObject({ code: "store_unavailable" });
        expect((error as Error).message).toContain(
          "0 of 1 replicas acknowledged the write within 200 ms",
        );
      }
      expect(await store.getProject("wait-web")).toEqual(project);
      expect(await store.getAssignment("p", "e", "u1")).toBe("A");
    } finally {
      await store.close();
    }
  });

  it("refuses a waitReplicas that is not a whole number from 0", () => {
    for (const waitReplicas of [-1, 1.5, Number.NaN]) {
      expect(() => redisStore({ url: REDIS_URL, waitReplicas })).toThrow(
        expect.objectContaining({ code: "validation_failed" }),
      );
    }
  });
});
