/** A placeholder of the size of what is loading, so the page does not jump when it arrives. */
export function Skeleton({
  height = "6rem",
  label = "Loading",
}: {
  height?: string;
  label?: string;
}) {
  return (
    <div class="skeleton" style={{ minHeight: height }} role="status" aria-live="polite">
      <span class="visually-hidden">{label}…</span>
    </div>
  );
}
