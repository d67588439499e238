import type { SliceResult } from "../api/types.js";

/** How a slice is named: its value, or what the `other` and `none` slices hold. */
export function sliceLabel(slice: Pick<SliceResult, "value" | "kind">): string {
  if (slice.kind === "other") return "(other values)";
  if (slice.kind === "none") return "(not set)";
  return slice.value ?? "";
}
