/** Express 5 server process. argv: <abkit|bare> */
import type { Server } from "node:http";
import { abkitRouter } from "@abkit/http/express";
import express from "express";
import { announce, bareAnswer, EVALUATE_PATH, seededStore } from "../lib/server.js";

const variant = process.argv[2] ?? "abkit";
const app = express();
let apiKey = "";
if (variant === "abkit") {
  const seeded = await seededStore();
  apiKey = seeded.apiKey;
  app.use(abkitRouter({ store: seeded.store }));
} else {
  app.use(express.json());
  app.post(EVALUATE_PATH, (req, res) => {
    res.json(bareAnswer(req.body as { experimentKey?: string }));
  });
}
const server: Server = await new Promise((resolve) => {
  const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
});
announce(server, apiKey);
