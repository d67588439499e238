import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findKeys, runAbkit, tempDir } from "./helpers.js";

// `abkit serve` on a port something else holds: one clear line and exit 1, never "Listening".
const temp = tempDir();
afterAll(() => temp.cleanup());

describe("abkit serve on a busy port", () => {
  it("says the port is in use, what to do, and exits 1; a new store's key is still shown", async () => {
    const blocker = await listen();
    const { port } = blocker.address() as { port: number };
    try {
      const store = `sqlite:${join(temp.dir, "busy.db")}`;
      const { code, stdout, stderr } = await runAbkit([
        "serve",
        "--store",
        store,
        "--port",
        `${port}`,
      ]);
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `error: cannot listen on 127.0.0.1:${port}: the port is already in use; ` +
          "stop what runs there or pick another with --port (EADDRINUSE)",
      );
      expect(stdout).not.toContain("Listening");
      expect(findKeys(stdout)).toHaveLength(1);
    } finally {
      blocker.close();
    }
  });
});

function listen(): Promise<Server> {
  const server = createServer();
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
