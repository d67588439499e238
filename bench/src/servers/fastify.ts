/** Fastify server process. argv: <abkit|bare> */
import { abkitFastify } from "@abkit/http/fastify";
import Fastify from "fastify";
import { announce, bareAnswer, EVALUATE_PATH, seededStore } from "../lib/server.js";

const variant = process.argv[2] ?? "abkit";
const app = Fastify();
let apiKey = "";
if (variant === "abkit") {
  const seeded = await seededStore();
  apiKey = seeded.apiKey;
  await app.register(abkitFastify, { store: seeded.store });
} else {
  app.post(EVALUATE_PATH, async (request) =>
    bareAnswer(request.body as { experimentKey?: string }),
  );
}
await app.listen({ host: "127.0.0.1", port: 0 });
announce(app.server, apiKey);
