import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The app builds into static/ with relative URLs, so @abkit/http can serve it under any
// path; hashed files go to _abkit/ so they never collide with an app's own /assets.
export default defineConfig({
  root: fileURLToPath(new URL("./web", import.meta.url)),
  base: "./",
  resolve: { conditions: ["@abkit/source"] },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  // `pnpm dev`: the app with hot reload, its API calls sent on to a running `abkit serve`.
  server: {
    proxy: { "/api": process.env.ABKIT_API ?? "http://127.0.0.1:3000" },
  },
  build: {
    outDir: fileURLToPath(new URL("./static", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "_abkit",
    target: "es2022",
    sourcemap: true,
    reportCompressedSize: true,
  },
});
