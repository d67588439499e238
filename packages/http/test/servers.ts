import type { AddressInfo } from "node:net";
import type { Store } from "@abkit/core";
import express from "express";
import Fastify from "fastify";
import { abkitRouter } from "../src/express.js";
import { abkitFastify, abkitFrameworkErrors } from "../src/fastify.js";
import type { AbkitHttpOptions } from "../src/index.js";

export const MOUNTS = ["express", "fastify"] as const;
export type Mount = (typeof MOUNTS)[number];

/** A real server with the API mounted on `mount`, listening on a free port. */
export async function startServer(
  mount: Mount,
  options: AbkitHttpOptions & { store: Store },
): Promise<{ url: string; close(): Promise<void> }> {
  if (mount === "express") {
    const app = express();
    app.use(abkitRouter(options));
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
  const app = Fastify({ frameworkErrors: abkitFrameworkErrors });
  await app.register(abkitFastify, options);
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url: address, close: () => app.close() };
}
