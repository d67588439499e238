/**
 * Key names. Every key of a project carries the project in a hash tag (`abkit:{default}:...`)
 * and every account key the tag `{accounts}`, so that each script's keys live in one slot
 * and the store works on Redis Cluster as well as on a single node.
 */
export interface Keys {
  project(projectId: string): ProjectKeys;
  accounts: AccountKeys;
}

export interface ProjectKeys {
  version: string;
  definitions: string;
  definitionIds: string;
  idempotencyKeys: string;
  events: string;
  logs: string;
  assignments(experimentId: string): string;
  exposures(experimentId: string): string;
  exposuresByDay(experimentId: string): string;
  /** entity -> the covariates kept with its assignment. */
  entityCovariates(experimentId: string): string;
  /** Covariate aggregates per variant. */
  covariates(experimentId: string): string;
  /** Covariate products and cross products per variant. */
  products(experimentId: string): string;
  totals(experimentId: string): string;
  aggregates(experimentId: string): string;
  /** The metrics the experiment has aggregates of (since v5 of the scripts), for the cap. */
  metricNames(experimentId: string): string;
  /** entity -> the slices (dimension NUL slice key ...) kept with its assignment. */
  entitySlices(experimentId: string): string;
  /** Slice exposures and metric aggregates, and the values kept per dimension. */
  slices(experimentId: string): string;
  logIndex(experimentId: string): string;
  logSummaries(experimentId: string): string;
  /** One log's score key -> the score's index in `logScores(logId)`. */
  logScoreKeys(logId: string): string;
  /** One log's scores (JSON), oldest first. */
  logScores(logId: string): string;
  /** One entity's daily totals: `metric NUL day` -> Σ values of its accepted events. */
  entityDays(entityId: string): string;
}

export interface AccountKeys {
  projects: string;
  apiKeys: string;
  apiKeyHashes: string;
  revocations: string;
}

export function keysFor(prefix: string): Keys {
  const accounts = `${prefix}{accounts}:`;
  return {
    project(projectId) {
      const base = `${prefix}{${projectId}}:`;
      return {
        version: `${base}version`,
        definitions: `${base}defs`,
        definitionIds: `${base}defids`,
        idempotencyKeys: `${base}idem`,
        events: `${base}events`,
        logs: `${base}logs`,
        assignments: (experimentId) => `${base}asg:${experimentId}`,
        exposures: (experimentId) => `${base}expo:${experimentId}`,
        exposuresByDay: (experimentId) => `${base}expoday:${experimentId}`,
        entityCovariates: (experimentId) => `${base}asgcov:${experimentId}`,
        covariates: (experimentId) => `${base}cov:${experimentId}`,
        products: (experimentId) => `${base}prod:${experimentId}`,
        totals: (experimentId) => `${base}tot:${experimentId}`,
        aggregates: (experimentId) => `${base}agg:${experimentId}`,
        metricNames: (experimentId) => `${base}aggnames:${experimentId}`,
        entitySlices: (experimentId) => `${base}asgslice:${experimentId}`,
        slices: (experimentId) => `${base}slice:${experimentId}`,
        logIndex: (experimentId) => `${base}logidx:${experimentId}`,
        logSummaries: (experimentId) => `${base}logsum:${experimentId}`,
        logScoreKeys: (logId) => `${base}scorekeys:${logId}`,
        logScores: (logId) => `${base}scores:${logId}`,
        entityDays: (entityId) => `${base}entday:${entityId}`,
      };
    },
    accounts: {
      projects: `${accounts}projects`,
      apiKeys: `${accounts}keys`,
      apiKeyHashes: `${accounts}keyhashes`,
      revocations: `${accounts}revoked`,
    },
  };
}
