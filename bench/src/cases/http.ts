/**
 * HTTP evaluate: autocannon (this process) against a server in a child process.
 * argv: <fastify|express> <abkit|bare>. 10 connections, 1 s warm-up then 5 s measured;
 * each request evaluates the next of 10,000 users.
 */
import autocannon from "autocannon";
import { emit, main } from "../lib/emit.js";
import { EXPERIMENT_KEY, users } from "../lib/fixture.js";
import { EVALUATE_PATH } from "../lib/server.js";
import { firstJsonLine, spawnTs } from "../lib/spawn.js";

const CONNECTIONS = 10;
const SECONDS = 5;

main(async () => {
  const framework = process.argv[2] ?? "fastify";
  const variant = process.argv[3] ?? "abkit";
  const server = spawnTs(`src/servers/${framework}.ts`, [variant]);
  try {
    const { port, apiKey } = await firstJsonLine<{ port: number; apiKey: string }>(server);
    const bodies = users(10_000).map((user) =>
      JSON.stringify({
        experimentKey: EXPERIMENT_KEY,
        entityId: user.id,
        properties: { country: user.country },
      }),
    );
    let next = 0;
    const load = (duration: number) =>
      autocannon({
        url: `http://127.0.0.1:${port}${EVALUATE_PATH}`,
        connections: CONNECTIONS,
        duration,
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
          },
        ],
      });
    await load(1);
    const result = await load(SECONDS);
    emit({
      name: `http/${framework}/${variant}`,
      unit: "req/s",
      value: result.requests.average,
      extra: {
        non2xx: result.non2xx,
        errors: result.errors,
        latencyP50ms: result.latency.p50,
        latencyP99ms: result.latency.p99,
      },
    });
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
});
