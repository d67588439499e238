import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The packages say "MIT": the license text must be there, at the root and in each package
// (npm packs a package's own LICENSE, never the repository's).
const root = join(import.meta.dirname, "../../..");
const license = readFileSync(join(root, "LICENSE"), "utf8");

describe("LICENSE", () => {
  it("is the MIT license of the abkit contributors", () => {
    expect(license.startsWith("MIT License\n\nCopyright (c) ")).toBe(true);
    expect(license).toMatch(/^Copyright \(c\) \d{4} abkit contributors$/m);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it("ships, unchanged, in every package that says MIT", () => {
    const packages = readdirSync(join(root, "packages"));
    expect(packages.length).toBeGreaterThanOrEqual(10);
    for (const name of packages) {
      const manifest = JSON.parse(
        readFileSync(join(root, "packages", name, "package.json"), "utf8"),
      ) as { license?: string };
      expect(manifest.license, name).toBe("MIT");
      expect(readFileSync(join(root, "packages", name, "LICENSE"), "utf8"), name).toBe(license);
    }
    const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      license?: string;
    };
    expect(rootManifest.license).toBe("MIT");
  });
});
