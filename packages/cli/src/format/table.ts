/** A column of `renderTable`: its header and how its cells line up. */
export interface Column {
  header: string;
  /** `right` for numbers; `left` by default. */
  align?: "left" | "right";
}

/**
 * Renders rows as a plain-text table: a header line, then one line per row, columns padded
 * to their widest cell and separated by two spaces. Trailing spaces are trimmed.
 *
 * @example
 * renderTable([{ header: "KEY" }, { header: "USERS", align: "right" }], [["control", "12"]]);
 * // "KEY      USERS\ncontrol     12"
 */
export function renderTable(columns: Column[], rows: string[][], indent = ""): string {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const line = (cells: string[]) =>
    indent +
    columns
      .map((column, index) => {
        const cell = cells[index] ?? "";
        const width = widths[index] ?? 0;
        return column.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...rows.map((row) => line(row))].join("\n");
}

/** An ISO timestamp as `2025-01-15 14:05:00Z`, or `-` for null. */
export function formatTime(iso: string | null): string {
  if (iso === null) return "-";
  return `${iso.slice(0, 19).replace("T", " ")}Z`;
}
