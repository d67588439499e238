import { DEFAULT_URL } from "./shared.js";
import { runWorkers } from "./workers.js";

const url = process.env.ABKIT_STORE ?? DEFAULT_URL;
const { lines } = await runWorkers({ url, workers: 3, users: 300 });
for (const line of lines) console.log(line);
