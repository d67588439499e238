import type { Flag } from "../api/types.js";
import { useClient } from "../clientContext.js";
import { ErrorMessage } from "../components/ErrorMessage.js";
import { Skeleton } from "../components/Skeleton.js";
import { StatusBadge } from "../components/StatusBadge.js";
import { href } from "../route.js";
import { useLoad } from "../useLoad.js";

/** Flags with their targeting rules and the experiments attached to each. */
export function FlagsPage() {
  const client = useClient();
  const [flags] = useLoad(() => client.listFlags(), [client]);
  return (
    <>
      <h1 tabIndex={-1}>Flags</h1>
      {flags.state === "loading" && <Skeleton height="12rem" label="Loading flags" />}
      {flags.state === "error" && <ErrorMessage error={flags.error} />}
      {flags.state === "ready" &&
        (flags.data.length === 0 ? (
          <p class="muted">No flags in this project.</p>
        ) : (
          flags.data.map((flag) => <FlagCard key={flag.id} flag={flag} />)
        ))}
    </>
  );
}

function FlagCard({ flag }: { flag: Flag }) {
  const client = useClient();
  const [experiments] = useLoad(() => client.flagExperiments(flag.id), [client, flag.id]);
  return (
    <section class="card" aria-labelledby={`flag-${flag.id}`} data-testid={`flag-${flag.key}`}>
      <h2 id={`flag-${flag.id}`}>
        {flag.name} <span class="muted mono">{flag.key}</span>{" "}
        <span class={`badge ${flag.enabled ? "badge-running" : "badge-stopped"}`}>
          {flag.enabled ? "on" : "off"}
        </span>
      </h2>
      {flag.description && <p>{flag.description}</p>}
      <dl class="facts">
        <dt>Type</dt>
        <dd>{flag.flag_type}</dd>
        <dt>Default</dt>
        <dd class="mono">{JSON.stringify(flag.default_value)}</dd>
      </dl>
      <h3>Rules</h3>
      {flag.rules.length === 0 ? (
        <p class="muted">
          No rules: everyone gets the default{flag.enabled ? "" : " (the flag is off)"}.
        </p>
      ) : (
        <ol class="rules">
          {flag.rules.map((rule) => (
            <li key={rule.id}>
              <span class="mono">
                {Object.keys(rule.condition).length ? JSON.stringify(rule.condition) : "everyone"}
              </span>{" "}
              → <strong class="mono">{JSON.stringify(rule.value)}</strong>
            </li>
          ))}
        </ol>
      )}
      <h3>Experiments</h3>
      {experiments.state === "loading" && <Skeleton height="3rem" label="Loading experiments" />}
      {experiments.state === "error" && <ErrorMessage error={experiments.error} />}
      {experiments.state === "ready" &&
        (experiments.data.length === 0 ? (
          <p class="muted">None attached.</p>
        ) : (
          <ul class="plain-list">
            {experiments.data.map((experiment) => (
              <li key={experiment.id}>
                <a href={href.experiment(experiment.key)}>{experiment.name}</a>{" "}
                <StatusBadge status={experiment.status} />{" "}
                <span class="muted">
                  {experiment.variants
                    .map(
                      (variant) =>
                        `${variant.key} ${variant.percentage}% = ${JSON.stringify(variant.value)}`,
                    )
                    .join(" · ")}
                </span>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
