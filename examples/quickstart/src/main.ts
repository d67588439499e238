import { runQuickstart } from "./quickstart.js";

for (const line of await runQuickstart()) console.log(line);
