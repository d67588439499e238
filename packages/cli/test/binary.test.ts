import { join } from "node:path";
import { authenticateApiKey, createAbkit, hashApiKey } from "@abkit/core";
import { sqliteStore } from "@abkit/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKeys, runAbkit, tempDir } from "./helpers.js";

// The real binary, from source, on a temporary SQLite file.
const temp = tempDir();
const dbPath = join(temp.dir, "abkit.db");
const store = `sqlite:${dbPath}`;
afterAll(() => temp.cleanup());

describe("abkit keys", () => {
  let created: { id: string; plaintext: string };

  it("create prints the plaintext once, with the warning", async () => {
    const { code, stdout, stderr } = await runAbkit([
      "keys",
      "create",
      "--name",
      "chatbot",
      "--store",
      store,
    ]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const keys = findKeys(stdout);
    expect(keys).toHaveLength(1);
    expect(stdout).toContain("Save it now; it is not shown again");
    const id = /created sdk API key (key_[0-9A-Z]{26})/i.exec(stdout)?.[1];
    expect(id).toBeDefined();
    expect(stdout).toContain('for organization "default", project "default"');
    created = { id: id!, plaintext: keys[0]! };

    const db = sqliteStore({ path: dbPath });
    const record = await authenticateApiKey(db, created.plaintext);
    expect(record).toMatchObject({ id: created.id, name: "chatbot", scopes: ["sdk"] });
    await db.close();
  });

  it("create takes --scope, --project and --org, and reads ABKIT_STORE", async () => {
    const { code, stdout } = await runAbkit(
      ["keys", "create", "--scope", "admin", "--project", "web", "--org", "acme"],
      { ABKIT_STORE: store },
    );
    expect(code).toBe(0);
    expect(stdout).toContain("Created admin API key key_");
    expect(stdout).toContain('for organization "acme", project "web"');
    expect(findKeys(stdout)).toHaveLength(1);
  });

  it("list shows ids, prefixes, names and scopes, never a plaintext or a hash", async () => {
    const { code, stdout } = await runAbkit(["keys", "list", "--store", store]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID +PREFIX +NAME +SCOPES +PROJECT +CREATED +REVOKED$/);
    expect(lines).toHaveLength(2); // the acme key belongs to another organization
    const cells = lines[1]!.split(/ {2,}/);
    expect(cells.slice(0, 5)).toEqual([
      created.id,
      `${created.plaintext.slice(0, 12)}...`,
      "chatbot",
      "sdk",
      "default",
    ]);
    expect(cells[5]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(cells[6]).toBe("no");
    expect(findKeys(stdout)).toEqual([]);
    expect(stdout).not.toContain(created.plaintext);
    expect(stdout).not.toContain(hashApiKey(created.plaintext));
  });

  it("list --org shows another organization's keys", async () => {
    const { stdout } = await runAbkit(["keys", "list", "--org", "acme", "--store", store]);
    expect(stdout).toMatch(/^key_[0-9A-Z]{26} {2}ak_[\w-]{9}\.\.\. {2}- +admin +web +\d{4}-/m);
    expect(stdout).not.toContain(created.id);
    const empty = await runAbkit(["keys", "list", "--org", "nobody", "--store", store]);
    expect(empty.stdout.trim()).toBe(
      'No API keys in organization "nobody". Create one with: abkit keys create',
    );
  });

  it("revoke revokes: list shows it and the key no longer authenticates", async () => {
    const revoked = await runAbkit(["keys", "revoke", created.id, "--store", store]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked API key ${created.id}`);

    const { stdout } = await runAbkit(["keys", "list", "--store", store]);
    const row = stdout.split("\n").find((line) => line.startsWith(created.id))!;
    expect(row).toMatch(/ {2}yes, \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);

    const db = sqliteStore({ path: dbPath });
    await expect(authenticateApiKey(db, created.plaintext)).rejects.toMatchObject({
      code: "unauthorized",
    });
    await db.close();

    // Revoking again is a no-op; an unknown id is an error of code not_found.
    expect((await runAbkit(["keys", "revoke", created.id, "--store", store])).code).toBe(0);
    const unknown = await runAbkit(["keys", "revoke", "key_NOPE", "--store", store]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('error [not_found]: API key "key_NOPE" not found');
  });

  it("usage errors exit 2 with the usage on stderr", async () => {
    const { code, stdout, stderr } = await runAbkit(["keys", "create", "--scope", "root"]);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain('error: --scope must be one of sdk, admin (got "root")');
    expect(stderr).toContain("Usage: abkit keys create");
  });
});

describe("abkit experiments list and results", () => {
  beforeAll(async () => {
    const db = sqliteStore({ path: dbPath });
    const abkit = createAbkit({ store: db });
    await abkit.experiments.create({
      key: "math-bot-system-prompt-v2",
      variants: [
        { key: "control", weight: 50, config: { prompt: "One sentence." } },
        { key: "treatment", weight: 50, config: { prompt: "Step by step." } },
      ],
      metrics: [{ name: "thumbs_up", kind: "binomial", primary: true }],
    });
    await abkit.experiments.start("math-bot-system-prompt-v2");
    await abkit.experiments.create({
      key: "onboarding",
      variants: [
        { key: "a", weight: 20 },
        { key: "b", weight: 80 },
      ],
    });
    for (let index = 0; index < 40; index++) {
      const entityId = `user_${index}`;
      await abkit.evaluate({ experimentKey: "math-bot-system-prompt-v2", entityId });
      if (index % 3 === 0) await abkit.track([{ entityId, metricName: "thumbs_up" }]);
    }
    await abkit.close();
    await db.close();
  });

  it("experiments list prints key, status, variants with weights and start", async () => {
    const { code, stdout } = await runAbkit(["experiments", "list", "--store", store]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KEY +STATUS +VARIANTS +STARTED$/);
    expect(lines[1]).toMatch(
      /^math-bot-system-prompt-v2 {2}running {2}control 50%, treatment 50% {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(lines[2]).toMatch(/^onboarding +draft +a 20%, b 80% +-$/);
  });

  it("experiments list --status filters; another project is empty", async () => {
    const drafts = await runAbkit(["experiments", "list", "--status", "draft", "--store", store]);
    expect(drafts.stdout).toContain("onboarding");
    expect(drafts.stdout).not.toContain("math-bot");
    const stopped = await runAbkit(["experiments", "list", "--status=stopped", "--store", store]);
    expect(stopped.stdout.trim()).toBe('No stopped experiments in project "default".');
    const other = await runAbkit(["experiments", "list", "--project", "web", "--store", store]);
    expect(other.stdout.trim()).toBe('No experiments in project "web".');
  });

  it("results --json prints exactly what results() returns", async () => {
    const { code, stdout } = await runAbkit([
      "results",
      "math-bot-system-prompt-v2",
      "--json",
      "--store",
      store,
    ]);
    expect(code).toBe(0);
    const db = sqliteStore({ path: dbPath });
    const abkit = createAbkit({ store: db });
    const expected = await abkit.results("math-bot-system-prompt-v2");
    await abkit.close();
    await db.close();
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(expected.variants.reduce((sum, variant) => sum + variant.users, 0)).toBe(40);
  });

  it("results prints the table", async () => {
    const { code, stdout } = await runAbkit([
      "results",
      "math-bot-system-prompt-v2",
      "--store",
      store,
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain("Experiment math-bot-system-prompt-v2 (running)");
    expect(stdout).toContain("Sample ratio: ok");
    expect(stdout).toContain("Metric thumbs_up (binomial, primary)");
  });

  it("results of an unknown experiment exits 1", async () => {
    const { code, stderr } = await runAbkit(["results", "nope", "--store", store]);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('error [not_found]: experiment "nope" not found');
  });
});
