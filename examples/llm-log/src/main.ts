import { runLlmLog } from "./llmLog.js";

for (const line of (await runLlmLog()).lines) console.log(line);
