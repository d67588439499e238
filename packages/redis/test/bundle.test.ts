import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createApiKey, type Store } from "@abkit/core";
import { Redis } from "ioredis";
import { build } from "tsup";
import { ulid } from "ulid";
import { afterAll, expect, it } from "vitest";
import type { redisStore as RedisStoreFactory } from "../src/index.js";
import { describeWithRedis, REDIS_URL } from "./redisServer.js";

// A consumer that bundles its app copies our dist/index.js into its own bundle and leaves
// everything beside it behind: the scripts must travel inside the module.
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "abkit-redis-bundle-"));
const prefix = `abkit-test:${ulid()}:`;
afterAll(() => rmSync(work, { recursive: true, force: true }));

describeWithRedis("the built package", () => {
  afterAll(async () => {
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  it("runs its Lua scripts from a copy of the bundle with no src/ or lua/ beside it", async () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
    const outDir = join(work, "dist");
    await build({
      // The package's own build, written elsewhere.
      config: join(packageDir, "tsup.config.ts"),
      entry: [join(packageDir, "src/index.ts")],
      outDir,
      dts: false,
      sourcemap: false,
      silent: true,
      // tsup reads these from the package.json of the working directory, the repository's.
      external: [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)],
    });
    const app = join(work, "app");
    mkdirSync(app);
    for (const file of readdirSync(outDir).filter((name) => name.endsWith(".js"))) {
      copyFileSync(join(outDir, file), join(app, file));
    }
    symlinkSync(join(packageDir, "node_modules"), join(app, "node_modules"));

    const built = (await import(pathToFileURL(join(app, "index.js")).href)) as {
      redisStore: typeof RedisStoreFactory;
    };
    const store: Store = built.redisStore({ url: REDIS_URL, prefix, timeoutMs: 2000 });
    try {
      const { record } = await createApiKey(store, {
        organizationId: "default",
        projectId: "default",
        scopes: ["sdk"],
      });
      expect((await store.listApiKeys("default")).map((key) => key.id)).toEqual([record.id]);
    } finally {
      await store.close();
    }
  });
});
