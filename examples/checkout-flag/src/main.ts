import { runCheckout } from "./checkout.js";

for (const line of (await runCheckout()).lines) console.log(line);
