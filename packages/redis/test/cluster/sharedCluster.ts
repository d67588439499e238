import { describe, inject, it } from "vitest";
import { clusterUnavailable, connect } from "./redisCluster.js";

/** The cluster `globalSetup.ts` started for this run. */
export const sharedCluster = inject("redisCluster");

/**
 * `describe` with the shared cluster's URL, or a visibly skipped block when no cluster
 * could be made here.
 */
export function describeWithCluster(
  name: string,
  body: (cluster: { url: string; ports: number[] }) => void,
): void {
  const { url, ports, missing } = sharedCluster;
  if (url === null) {
    describe(`${name} (skipped: ${missing})`, () => it.skip("needs redis-server and redis-cli"));
    return;
  }
  describe(name, () => body({ url, ports }));
}

/** Whether this file can make a cluster of its own (see `clusterUnavailable`). */
export const clusterMissing = clusterUnavailable();

/** Deletes every key under `prefix` from every node of the cluster (a key at a time). */
export async function deleteClusterKeys(ports: number[], prefix: string): Promise<void> {
  await Promise.all(
    ports.map(async (port) => {
      const client = connect(port);
      try {
        const role = await client.call("ROLE");
        if (!Array.isArray(role) || role[0] !== "master") return;
        let cursor = "0";
        do {
          const [next, found] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
          cursor = next;
          // Keys of different slots cannot share one DEL, even on one node.
          if (found.length > 0) await Promise.all(found.map((key) => client.unlink(key)));
        } while (cursor !== "0");
      } finally {
        client.disconnect();
      }
    }),
  );
}
