import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAbkit, type Server, startServer, tempDir } from "./helpers.js";

// `abkit serve` facing slow, idle and greedy clients, with short limits so each case ends
// quickly; every wait is bounded by the test's own timeout, none is asserted on.
const temp = tempDir();
let server: Server;
let host: string;
let port: number;

beforeAll(async () => {
  server = await startServer(`sqlite:${join(temp.dir, "hardening.db")}`, [
    "--request-timeout",
    "1000",
    "--headers-timeout",
    "500",
    "--max-connections-per-client",
    "4",
    "--no-dashboard",
  ]);
  const url = new URL(server.url);
  host = url.hostname;
  port = Number(url.port);
}, 30_000);

afterAll(async () => {
  await server.stop("SIGTERM");
  temp.cleanup();
});

/** A raw connection, with everything it receives and a promise of its close. */
async function open(): Promise<{ socket: Socket; received(): string; closed: Promise<void> }> {
  const socket = connect({ host, port });
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    received += chunk;
  });
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return { socket, received: () => received, closed };
}

/** Fetches until the server takes the connection (the previous ones may still be closing). */
async function fetchEventually(path: string): Promise<Response> {
  for (;;) {
    try {
      return await fetch(`${server.url}${path}`);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe("abkit serve timeouts and limits", () => {
  it("answers a body trickled past the request timeout with 408 in the API's shape and closes", async () => {
    const client = await open();
    client.socket.write(
      "POST /api/v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
        "Content-Length: 1000\r\nX-Api-Key: ak_x\r\n\r\n{",
    );
    // One byte now and then: the connection is never idle, the body never complete.
    const trickle = setInterval(() => {
      if (!client.socket.destroyed) client.socket.write(" ");
    }, 100);
    await client.closed;
    clearInterval(trickle);
    const [head, body] = client.received().split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(body!)).toEqual({
      error: { code: "request_timeout", message: "the request did not arrive in time" },
    });
  }, 20_000);

  it("closes a connection whose headers never finish", async () => {
    const client = await open();
    client.socket.write("GET /api/v1/experiments HTTP/1.1\r\nHost: x\r\n");
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  }, 20_000);

  it("closes connections from one address beyond the limit, and takes new ones once some end", async () => {
    const idle = [await open(), await open(), await open(), await open()];
    // Sent a request line, so the server has surely counted these four before the fifth.
    for (const client of idle) client.socket.write("GET /api/v1/exp");
    const refused = await open();
    await refused.closed;
    expect(refused.received()).toBe("");
    for (const client of idle) client.socket.destroy();
    const response = await fetchEventually("/api/v1/experiments");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(server.stderr()).toContain('"maxConnectionsPerClient":4');
  }, 20_000);

  it("logs as JSON lines on standard error", () => {
    const lines = server
      .stderr()
      .split("\n")
      .filter((line) => line.startsWith("{"));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({
        time: expect.any(String),
        level: expect.any(String),
      });
    }
  });

  it("refuses limits and levels that are not valid", async () => {
    for (const args of [
      ["--request-timeout", "soon"],
      ["--max-connections-per-client", "-1"],
      ["--log-level", "loud"],
    ]) {
      const run = await runAbkit(["serve", "--store", "memory:", ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(args[0]);
    }
  }, 30_000);
});
