/** The store's tables, as schema-qualified names ready for SQL text. */
export type Tables = ReturnType<typeof tablesIn>;

/**
 * The qualified name of every table in `schema` (an identifier already checked by the
 * options, quoted all the same).
 *
 * @example
 * tablesIn("abkit").counters; // '"abkit".counters'
 */
export function tablesIn(schema: string) {
  const q = (table: string) => `"${schema}".${table}`;
  return {
    schema: `"${schema}"`,
    migrations: q("schema_migrations"),
    definitions: q("definitions"),
    definitionVersions: q("definition_versions"),
    assignments: q("assignments"),
    assignmentCovariates: q("assignment_covariates"),
    eventKeys: q("event_keys"),
    entityTotals: q("entity_totals"),
    entityDayTotals: q("entity_day_totals"),
    counters: q("counters"),
    logs: q("logs"),
    logScores: q("log_scores"),
    projects: q("projects"),
    apiKeys: q("api_keys"),
  };
}
