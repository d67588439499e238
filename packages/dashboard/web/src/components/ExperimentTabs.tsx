import { href } from "../route.js";

/** The views of one experiment: its overview (definition and results) and its execution logs. */
export function ExperimentTabs({
  experimentKey,
  current,
}: {
  experimentKey: string;
  current: "overview" | "logs";
}) {
  return (
    <nav class="tabs" aria-label="Experiment views">
      <a
        class="tab"
        href={href.experiment(experimentKey)}
        aria-current={current === "overview" ? "page" : undefined}
      >
        Overview
      </a>
      <a
        class="tab"
        href={href.experimentLogs(experimentKey)}
        aria-current={current === "logs" ? "page" : undefined}
      >
        Logs
      </a>
    </nav>
  );
}
