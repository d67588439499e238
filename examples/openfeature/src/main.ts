import { runOpenFeature } from "./app.js";

for (const line of (await runOpenFeature()).lines) console.log(line);
