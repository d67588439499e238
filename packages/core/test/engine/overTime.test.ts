import { describe, expect, it } from "vitest";
import {
  eventsOverTime,
  exposuresOverTime,
  MAX_EXPOSURE_DAYS,
} from "../../src/engine/results/overTime.js";

describe("exposuresOverTime", () => {
  it("fills the days without exposures with zeros, so the series has no gaps", () => {
    const series = exposuresOverTime(["A", "B"], {
      "2026-02-27": { A: 2 },
      "2026-03-02": { B: 1 },
    });
    // 2026 is not a leap year: Feb 27, 28, Mar 1, 2.
    expect(series.map((day) => day.date)).toEqual([
      "2026-02-27",
      "2026-02-28",
      "2026-03-01",
      "2026-03-02",
    ]);
    expect(series[1]).toEqual({
      date: "2026-02-28",
      exposures: { A: 0, B: 0 },
      cumulative: { A: 2, B: 0 },
    });
  });

  it("keeps running totals whose last entry equals each variant's exposures", () => {
    const series = exposuresOverTime(["control", "treatment"], {
      "2026-01-01": { control: 3, treatment: 1 },
      "2026-01-02": { treatment: 4 },
      "2026-01-03": { control: 2, treatment: 2 },
    });
    expect(series.map((day) => day.cumulative)).toEqual([
      { control: 3, treatment: 1 },
      { control: 3, treatment: 5 },
      { control: 5, treatment: 7 },
    ]);
    expect(series.map((day) => day.exposures)).toEqual([
      { control: 3, treatment: 1 },
      { control: 0, treatment: 4 },
      { control: 2, treatment: 2 },
    ]);
  });

  it("puts every variant key in both maps, in the order given, even a variant never exposed", () => {
    const [day] = exposuresOverTime(["B", "A", "C"], { "2026-01-01": { A: 1 } });
    expect(Object.keys(day!.exposures)).toEqual(["B", "A", "C"]);
    expect(Object.keys(day!.cumulative)).toEqual(["B", "A", "C"]);
    expect(day).toEqual({
      date: "2026-01-01",
      exposures: { B: 0, A: 1, C: 0 },
      cumulative: { B: 0, A: 1, C: 0 },
    });
  });

  it("orders days ascending whatever the order of the stored map, across a year end", () => {
    const series = exposuresOverTime(["A"], {
      "2026-01-01": { A: 1 },
      "2025-12-30": { A: 2 },
    });
    expect(series.map((day) => [day.date, day.exposures.A, day.cumulative.A])).toEqual([
      ["2025-12-30", 2, 2],
      ["2025-12-31", 0, 2],
      ["2026-01-01", 1, 3],
    ]);
  });

  it("is empty without exposures, and ignores days that only count other variants or zeros", () => {
    expect(exposuresOverTime(["A", "B"], {})).toEqual([]);
    expect(exposuresOverTime(["A"], { "2026-01-01": { A: 0 } })).toEqual([]);
    // The range runs from the first to the last day with an exposure of these variants.
    const series = exposuresOverTime(["A"], {
      "2026-01-01": { gone: 5 },
      "2026-01-02": { A: 1 },
      "2026-01-04": { gone: 1 },
    });
    expect(series).toEqual([{ date: "2026-01-02", exposures: { A: 1 }, cumulative: { A: 1 } }]);
  });

  it("skips keys that are not days and reads only own properties", () => {
    const byDay = JSON.parse(
      '{"not-a-day": {"A": 9}, "2026-02-30": {"A": 9}, "2026-01-01": {"A": 1}}',
    );
    expect(exposuresOverTime(["A", "constructor"], byDay)).toEqual([
      {
        date: "2026-01-01",
        exposures: { A: 1, constructor: 0 },
        cumulative: { A: 1, constructor: 0 },
      },
    ]);
  });

  it("lists at most the last MAX_EXPOSURE_DAYS days, with earlier days in the cumulative", () => {
    // One assignment dated by a clock set decades back must not make the series unbounded.
    const series = exposuresOverTime(["A"], { "1990-01-01": { A: 3 }, "2026-01-01": { A: 1 } });
    expect(series).toHaveLength(MAX_EXPOSURE_DAYS);
    expect(series[0]?.cumulative).toEqual({ A: 3 });
    expect(series.at(-1)).toEqual({
      date: "2026-01-01",
      exposures: { A: 1 },
      cumulative: { A: 4 },
    });
  });
});

describe("eventsOverTime", () => {
  it("is the same gap-free daily series, with events in place of exposures", () => {
    expect(eventsOverTime(["A", "B"], { "2026-03-03": { B: 2 }, "2026-03-01": { A: 5 } })).toEqual([
      { date: "2026-03-01", events: { A: 5, B: 0 }, cumulative: { A: 5, B: 0 } },
      { date: "2026-03-02", events: { A: 0, B: 0 }, cumulative: { A: 5, B: 0 } },
      { date: "2026-03-03", events: { A: 0, B: 2 }, cumulative: { A: 5, B: 2 } },
    ]);
    expect(eventsOverTime(["A"], {})).toEqual([]);
  });
});
