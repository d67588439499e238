import { connect } from "./redisCluster.js";

/** Who serves a key now: the master's port and its replicas' ports. */
export interface SlotOwner {
  master: number;
  replicas: number[];
}

/**
 * The master serving `key`'s slot and its replicas, as `CLUSTER NODES` on the node at
 * `askPort` reports them.
 */
export async function slotOwner(askPort: number, key: string): Promise<SlotOwner> {
  const node = connect(askPort);
  try {
    const slot = Number(await node.call("CLUSTER", "KEYSLOT", key));
    const lines = String(await node.call("CLUSTER", "NODES"))
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map(parseNodeLine);
    const master = lines.find((line) => line.master && line.serves(slot));
    if (!master) throw new Error(`no master serves slot ${slot}`);
    const replicas = lines.filter((line) => line.masterId === master.id).map((line) => line.port);
    return { master: master.port, replicas };
  } finally {
    node.disconnect();
  }
}

/** The ports of the nodes that are masters now. */
export async function mastersOf(ports: number[]): Promise<number[]> {
  const roles = await Promise.all(ports.map(async (port) => [port, await roleOf(port)] as const));
  return roles.filter(([, role]) => role === "master").map(([port]) => port);
}

/** "master", "slave", or null when the node does not answer. */
export async function roleOf(port: number): Promise<string | null> {
  const node = connect(port);
  try {
    const role = (await node.call("ROLE")) as unknown[];
    return String(role[0]);
  } catch {
    return null;
  } finally {
    node.disconnect();
  }
}

/** Waits until the node on `port` is a master and its cluster state is ok. */
export function waitUntilMaster(port: number, timeoutMs = 20_000): Promise<void> {
  return poll(`node ${port} to be promoted`, timeoutMs, async () => {
    if ((await roleOf(port)) !== "master") return false;
    return (await clusterInfo(port)).includes("cluster_state:ok");
  });
}

/** Waits until the node on `port` is a replica whose link to its master is up. */
export function waitUntilReplicaInSync(port: number, timeoutMs = 20_000): Promise<void> {
  return poll(`node ${port} to replicate`, timeoutMs, async () => {
    const node = connect(port);
    try {
      const info = await node.info("replication");
      return info.includes("role:slave") && info.includes("master_link_status:up");
    } catch {
      return false;
    } finally {
      node.disconnect();
    }
  });
}

/** Polls `check` every 50 ms until it holds, failing after `timeoutMs`. */
export async function poll(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// --- Internal helpers ---

async function clusterInfo(port: number): Promise<string> {
  const node = connect(port);
  try {
    return String(await node.call("CLUSTER", "INFO"));
  } catch {
    return "";
  } finally {
    node.disconnect();
  }
}

/** A `CLUSTER NODES` line: `<id> <ip:port@bus> <flags> <master id> ... <slot ranges>`. */
function parseNodeLine(line: string) {
  const [id = "", address = "", flags = "", masterId = "", ...rest] = line.split(" ");
  const ranges = rest.slice(4).filter((range) => !range.startsWith("["));
  return {
    id,
    port: Number(/:(\d+)@/.exec(address)?.[1]),
    master: flags.split(",").includes("master") && !flags.includes("fail"),
    masterId,
    serves(slot: number) {
      return ranges.some((range) => {
        const [from = -1, to = from] = range.split("-").map(Number);
        return slot >= from && slot <= to;
      });
    },
  };
}
