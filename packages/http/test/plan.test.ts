import { createApiKey, type Store } from "@abkit/core";
import { memoryStore } from "@abkit/memory";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOUNTS, startServer } from "./servers.js";

// The error bodies are read field by field below.
const errorOf = async (response: Response): Promise<{ code: string; message: string }> =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe.each(MOUNTS)("POST /api/v1/plan on %s", (mount) => {
  let store: Store;
  let server: Awaited<ReturnType<typeof startServer>>;
  const keys: Record<string, string> = {};

  const plan = (body: unknown, key: string | null = keys.sdk ?? null) =>
    fetch(`${server.url}/api/v1/plan`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(key ? { "X-Api-Key": key } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    store = memoryStore();
    for (const scope of ["sdk", "admin"] as const) {
      keys[scope] = (
        await createApiKey(store, { organizationId: "acme", projectId: "default", scopes: [scope] })
      ).plaintext;
    }
    server = await startServer(mount, { store });
  });
  afterAll(async () => server.close());

  it("answers the plan to an sdk key and to an admin key", async () => {
    const input = {
      metric: "binomial",
      baseline: 0.1,
      mde: 0.02,
      mdeType: "absolute",
      dailyUsers: 1000,
    };
    for (const key of [keys.sdk, keys.admin]) {
      const response = await plan(input, key ?? null);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        usersPerVariant: [3841, 3841],
        totalUsers: 7682,
        days: 8,
        comparisons: 1,
        alphaPerComparison: 0.05,
      });
    }
  });

  it("answers 400 validation_failed naming the bad fields", async () => {
    const response = await plan({ metric: "binomial", baseline: 1.5, mde: 0, power: 2 });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.message).toMatch(/baseline: must be between 0 and 1/);
    expect(error.message).toMatch(/mde: must not be 0/);
    expect(error.message).toMatch(/power: must be between 0 and 1/);
  });

  it("answers 400 for a body that is not an object, 401 without a key", async () => {
    const notObject = await plan([1, 2]);
    expect(notObject.status).toBe(400);
    expect((await errorOf(notObject)).code).toBe("validation_failed");
    const anonymous = await plan({ metric: "mean", baseline: 1, sd: 1, mde: 0.1 }, null);
    expect(anonymous.status).toBe(401);
    expect((await errorOf(anonymous)).code).toBe("unauthorized");
  });

  it("answers the detectable effect for users instead of mde", async () => {
    // 7,682 users at 10% detect +2 points, the inverse of the plan above (R:
    // power.prop.test(n = 3841, p1 = 0.1, power = 0.8) gives p2 = 0.1200, to 4 decimals).
    const response = await plan({ metric: "binomial", baseline: 0.1, users: 7682 });
    expect(response.status).toBe(200);
    const effect = (await response.json()) as Record<string, number>;
    expect(effect.absolute).toBeCloseTo(0.02, 4);
    expect(effect.relative).toBeCloseTo(0.2, 3);
    expect(effect).toMatchObject({ comparisons: 1, alphaPerComparison: 0.05 });
    // A mean: δ = (z_a + z_b) · sd · sqrt(1/n_c + 1/n_t) = 2.801585 · 5 · sqrt(2/1000).
    const mean = await plan({ metric: "mean", baseline: 10, sd: 5, users: 2000 });
    expect(((await mean.json()) as { absolute: number }).absolute).toBeCloseTo(
      2.801585 * 5 * Math.sqrt(2 / 1000),
      5,
    );
  });

  it("answers 400 for users beside mde, or users that are not a positive number", async () => {
    const both = await plan({ metric: "binomial", baseline: 0.1, mde: 0.1, users: 1000 });
    expect(both.status).toBe(400);
    expect((await errorOf(both)).message).toMatch(/users: give mde .* or users/);
    const bad = await plan({ metric: "binomial", baseline: 0.1, users: "many" });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/users: must be a positive number/);
    const wrong = await plan({ metric: "binomial", baseline: 2, users: 1000 });
    expect((await errorOf(wrong)).message).toMatch(/baseline: must be between 0 and 1/);
  });
});
