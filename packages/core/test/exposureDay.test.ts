import { describe, expect, it } from "vitest";
import { exposureDay } from "../src/store/days.js";

describe("exposureDay", () => {
  it("is the UTC day of the time, whatever offset it is written with", () => {
    expect(exposureDay("2026-01-02T03:04:05.678Z")).toBe("2026-01-02");
    expect(exposureDay("2026-01-02T23:30:00-02:00")).toBe("2026-01-03");
    expect(exposureDay("2026-01-02T00:30:00+01:00")).toBe("2026-01-01");
    expect(exposureDay("2026-01-02")).toBe("2026-01-02");
  });

  it("is null for a time that does not parse or has no four-digit year", () => {
    expect(exposureDay("")).toBeNull();
    expect(exposureDay("yesterday")).toBeNull();
    expect(exposureDay("+010000-01-01T00:00:00Z")).toBeNull();
  });
});
