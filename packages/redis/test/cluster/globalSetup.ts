import type { TestProject } from "vitest/node";
import { clusterUnavailable, startRedisCluster } from "./redisCluster.js";

/**
 * Starts the Redis Cluster the cluster tests share (failover tests make their own), once
 * per run, and stops it after. Without `redis-server`/`redis-cli` the cluster tests skip,
 * saying so, unless ABKIT_REQUIRE_REDIS_CLUSTER=1.
 */
export default async function setup(project: TestProject) {
  const missing = clusterUnavailable();
  if (missing !== null) {
    console.warn(`No test Redis Cluster (${missing}): the Redis Cluster tests are skipped.`);
    project.provide("redisCluster", { url: null, ports: [], missing });
    return;
  }
  const cluster = await startRedisCluster({ nodeTimeoutMs: 2000 });
  project.provide("redisCluster", {
    url: cluster.url,
    ports: cluster.nodes.map((node) => node.port),
    missing: null,
  });
  return () => cluster.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The shared test cluster: its URL and node ports, or why there is none. */
    redisCluster: { url: string | null; ports: number[]; missing: string | null };
  }
}
