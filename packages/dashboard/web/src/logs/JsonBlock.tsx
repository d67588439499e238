import { prettyJson } from "./preview.js";

/** A titled JSON value, indented and wrapped so it fits a phone. */
export function JsonBlock({
  title,
  value,
  testId,
}: {
  title: string;
  value: unknown;
  testId: string;
}) {
  return (
    <section class="json-block">
      <h3>{title}</h3>
      <pre class="mono json" data-testid={testId}>
        {prettyJson(value)}
      </pre>
    </section>
  );
}
