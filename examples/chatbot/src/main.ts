import { resolve } from "node:path";
import { runChatbot } from "./chatbot.js";

const dbPath = resolve(process.env.ABKIT_DB ?? "abkit-demo.db");
const users = Number(process.env.USERS ?? 20_000);

const lines = await runChatbot({ dbPath, users, onProgress: progress });
process.stderr.write("\n\n");
for (const line of lines) console.log(line);
console.log("\nThe same results in the browser: npx pnpm@10 dashboard");

function progress(done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  process.stderr.write(
    `\rSimulating users [${bar}] ${String(Math.round((100 * done) / total)).padStart(3)}% ${done}/${total}`,
  );
}
