import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/**
 * A Redis Cluster made on demand for the tests: 3 masters and 3 replicas, each a
 * `redis-server` of its own on free 127.0.0.1 ports, its files in a temp dir. `stop()` ends
 * every process by PID and removes the dir; so does the exit of the test process.
 */
export interface RedisCluster {
  /** `redis-cluster://127.0.0.1:p1,...,127.0.0.1:p6/`: every node as a seed. */
  url: string;
  nodes: ClusterNodeProcess[];
  /** Kills the node on `port` with SIGKILL (no shutdown, no last words to its replica). */
  kill(port: number): void;
  /** Starts the node on `port` again with its own cluster config: it rejoins the cluster. */
  restart(port: number): Promise<void>;
  /** Ends every node (SIGTERM, then SIGKILL) and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface ClusterNodeProcess {
  host: string;
  port: number;
  pid: number;
}

export interface RedisClusterOptions {
  /** `cluster-node-timeout`: how long a silent master takes to be failed over. Default 1000. */
  nodeTimeoutMs?: number;
}

/** The environment variable that turns a missing `redis-server`/`redis-cli` into a failure. */
export const REQUIRE_CLUSTER_ENV = "ABKIT_REQUIRE_REDIS_CLUSTER";

/**
 * Why no test cluster can be made here (`redis-server` or `redis-cli` missing), or null.
 * With ABKIT_REQUIRE_REDIS_CLUSTER=1 a missing binary throws instead: CI must not skip.
 */
export function clusterUnavailable(): string | null {
  const missing = ["redis-server", "redis-cli"].filter(
    (binary) => spawnSync(binary, ["--version"], { stdio: "ignore" }).status !== 0,
  );
  if (missing.length === 0) return null;
  const reason = `${missing.join(" and ")} not found on PATH`;
  if (process.env[REQUIRE_CLUSTER_ENV] === "1") {
    throw new Error(`${REQUIRE_CLUSTER_ENV}=1 but ${reason}: install Redis (7 or later)`);
  }
  return reason;
}

/**
 * Starts 6 nodes, joins them with `redis-cli --cluster create --cluster-replicas 1`, and
 * resolves once every node says `cluster_state:ok` and every replica is in sync. On any
 * failure it stops what it started before rejecting.
 *
 * @example
 * const cluster = await startRedisCluster({ nodeTimeoutMs: 1000 });
 * try { ... redisStore({ url: cluster.url }) ... } finally { await cluster.stop(); }
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), "abkit-redis-cluster-"));
  const processes = new Map<number, ChildProcess>();
  const ports: { port: number; bus: number }[] = [];
  let stopped = false;

  const killAll = (signal: NodeJS.Signals) => {
    for (const child of processes.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }
  };
  // The test process may end without calling stop(): leave no server and no dir behind.
  const onExit = () => {
    killAll("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", onExit);

  const start = async (port: number, bus: number) => {
    const home = join(dir, String(port));
    mkdirSync(home, { recursive: true });
    const child = spawn(
      "redis-server",
      [
        ...["--port", String(port), "--bind", "127.0.0.1", "--dir", home],
        ...["--cluster-enabled", "yes", "--cluster-port", String(bus)],
        ...["--cluster-config-file", join(home, "nodes.conf")],
        ...["--cluster-node-timeout", String(nodeTimeoutMs)],
        // A replica however far behind may take over: the tests kill masters mid-write.
        ...["--cluster-replica-validity-factor", "0"],
        ...["--appendonly", "no", "--save", ""],
        // A replica's first sync starts at once, not after the default 5 s wait for others.
        ...["--repl-diskless-sync-delay", "0"],
        ...["--logfile", join(home, "redis.log")],
      ],
      { stdio: "ignore" },
    );
    processes.set(port, child);
    await waitFor(
      `redis-server on port ${port} to answer`,
      10_000,
      () => ping(port),
      () => (child.exitCode !== null ? `it exited: ${logTail(home)}` : null),
    );
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    killAll("SIGTERM");
    await Promise.all(
      [...processes.values()].map((child) => exited(child, 3000).then(() => child.kill("SIGKILL"))),
    );
    process.off("exit", onExit);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const [port, bus] of pairs(await freePorts(12))) ports.push({ port, bus });
    await Promise.all(ports.map(({ port, bus }) => start(port, bus)));
    const addresses = ports.map(({ port }) => `127.0.0.1:${port}`);
    const create = spawnSync(
      "redis-cli",
      ["--cluster", "create", ...addresses, "--cluster-replicas", "1", "--cluster-yes"],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (create.status !== 0) {
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    }

    await waitForClusterOk(ports.map(({ port }) => port));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url: `redis-cluster://${ports.map(({ port }) => `127.0.0.1:${port}`).join(",")}/`,
    get nodes() {
      return ports.map(({ port }) => ({ host: "127.0.0.1", port, pid: processes.get(port)!.pid! }));
    },
    kill(port) {
      processes.get(port)?.kill("SIGKILL");
    },
    async restart(port) {
      const entry = ports.find((candidate) => candidate.port === port);
      if (!entry) throw new Error(`no node on port ${port}`);
      const old = processes.get(port);
      if (old) await exited(old, 3000);
      await start(entry.port, entry.bus);
    },
    stop,
  };
}

/**
 * Waits until every node answers `cluster_state:ok`, knows every other node, and every
 * replica's link to its master is up.
 */
export async function waitForClusterOk(ports: number[], timeoutMs = 30_000): Promise<void> {
  await waitFor("the cluster to be ok on every node", timeoutMs, async () => {
    for (const port of ports) {
      const client = connect(port);
      try {
        const info = String(await client.call("CLUSTER", "INFO"));
        if (!info.includes("cluster_state:ok")) return false;
        if (!info.includes(`cluster_known_nodes:${ports.length}`)) return false;
        const replication = await client.info("replication");
        if (replication.includes("role:slave") && !replication.includes("master_link_status:up")) {
          return false;
        }
      } catch {
        return false;
      } finally {
        client.disconnect();
      }
    }
    return true;
  });
}

/** A plain client to one node (not cluster-aware), failing at once when it is down. */
export function connect(port: number): Redis {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // a refused connection rejects the command: enough
  return client;
}

// --- Internal helpers ---

async function ping(port: number): Promise<boolean> {
  const client = connect(port);
  try {
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  failed: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = failed();
    if (failure) throw new Error(`waiting for ${what}: ${failure}`);
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves when the process has exited, or after `ms` (the caller then kills it). */
function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** `count` distinct ports nobody listens on now (held together, so never the same twice). */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
      const address = server.address();
      if (typeof address !== "object" || !address) throw new Error("no port");
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** [data port, cluster bus port] pairs from a flat list. */
function pairs(ports: number[]): [number, number][] {
  const result: [number, number][] = [];
  for (let i = 0; i + 1 < ports.length; i += 2) result.push([ports[i]!, ports[i + 1]!]);
  return result;
}

function logTail(home: string): string {
  try {
    return readFileSync(join(home, "redis.log"), "utf8").split("\n").slice(-5).join("\n");
  } catch {
    return "(no log)";
  }
}
