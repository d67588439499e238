import { randomUUID } from "node:crypto";
import { type Abkit, createAbkit, isAbkitError, type Store } from "@abkit/core";
import { abkitRouter } from "@abkit/http/express";
import { sqliteStore } from "@abkit/sqlite";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import {
  EXPERIMENT,
  ensureAdminKey,
  ensureExperiment,
  FALLBACK,
  fakeAnswer,
  type PromptConfig,
} from "./tutor.js";

export interface ExampleApp {
  /** The Express app: pass it to `app.listen` or `http.createServer`. */
  app: Express;
  abkit: Abkit;
  store: Store;
  /** The admin key created on this start (a fresh store), or null when keys existed. */
  adminKey: string | null;
  /** What startup did to the experiment. */
  experiment: "created" | "started" | "existing";
  /** Flushes queued assignments and closes the store; close the HTTP server first. */
  close(): Promise<void>;
}

export interface CreateAppOptions {
  /** The SQLite file; `ABKIT_DB` or `./abkit-express.db` when omitted. */
  dbPath?: string;
}

/**
 * The app: its own routes (`POST /chat`, `POST /chat/:id/thumbs-up`) use the embedded engine;
 * abkit's HTTP API (`/api/v1/...`, `/experiment/...`) is mounted beside them on the same store.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<ExampleApp> {
  const dbPath = options.dbPath ?? process.env.ABKIT_DB ?? "./abkit-express.db";
  const store = sqliteStore({ path: dbPath });
  const abkit = createAbkit({ store });
  const experiment = await ensureExperiment(abkit);
  const adminKey = await ensureAdminKey(store);

  // The messages this process answered, so a thumbs up can name its user. A real app keeps
  // them in its own database.
  const messages = new Map<string, { userId: string; variantKey: string | null }>();

  const app = express();
  // The API router reads its own bodies: mount it before any body parser.
  const api = abkitRouter({ store });
  app.use(api);

  app.post("/chat", express.json(), async (req: Request, res: Response) => {
    const { userId, message } = (req.body ?? {}) as { userId?: unknown; message?: unknown };
    if (typeof userId !== "string" || userId === "" || typeof message !== "string") {
      res.status(400).json({ error: "send { userId: string, message: string }" });
      return;
    }
    const { variantKey, config, reason } = await abkit.evaluate<PromptConfig>({
      experimentKey: EXPERIMENT,
      entityId: userId,
    });
    const chosen = config ?? FALLBACK;
    const messageId = randomUUID();
    messages.set(messageId, { userId, variantKey });
    res.json({
      messageId,
      variantKey,
      reason,
      prompt: chosen.prompt,
      answer: fakeAnswer(chosen, message),
    });
  });

  app.post("/chat/:id/thumbs-up", async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const message = messages.get(id);
    if (!message) {
      res.status(404).json({ error: `no message ${id}` });
      return;
    }
    // The same key for the same message: a double click or a retried request counts once.
    const { accepted, deduped } = await abkit.track([
      { entityId: message.userId, metricName: "thumbs_up", idempotencyKey: `thumbs_up:${id}` },
    ]);
    res.json({ messageId: id, accepted, deduped });
  });

  // Express 5 passes rejected promises of async handlers here.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = isAbkitError(error) && error.code === "store_unavailable" ? 503 : 500;
    res.status(status).json({ error: status === 503 ? "try again" : "internal error" });
  });

  return {
    app,
    abkit,
    store,
    adminKey,
    experiment,
    async close() {
      await api.close();
      await abkit.close();
      await store.close();
    },
  };
}
