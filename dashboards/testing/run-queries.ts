/**
 * A panel's queries as Grafana would run them: variables resolved by running the dashboard's
 * own variable queries in order (so the province -> city -> county cascade is exercised too), the
 * macros filled in (grafana-macros.ts), PostgreSQL queries sent as Grafana's login, InfluxQL to
 * the test InfluxDB.
 */
import pg from 'pg';
import type { InfluxSeries, InfluxStore } from '../../platform/influx/influx-store.ts';
import type { DashboardFile, PanelQuery, VariableModel } from './dashboard-files.ts';
import { fillInfluxQl, fillSql, grafanaIntervalMs, type TimeRange, type VariableValue, type Variables } from './grafana-macros.ts';

export interface SqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** A client that reads bigint and numeric as numbers, as Grafana's frames hold them. */
export async function grafanaSqlClient(url: string): Promise<pg.Client> {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, Number);
  types.setTypeParser(pg.types.builtins.NUMERIC, Number);
  const client = new pg.Client({ connectionString: url, types });
  await client.connect();
  return client;
}

export async function runSql(client: pg.Client, text: string): Promise<SqlResult> {
  const result = await client.query<Record<string, unknown>>(text);
  return { columns: result.fields.map((f) => f.name), rows: result.rows };
}

/** How a variable is set: one value, every option (All), or the options that pass `pick`. */
export type Selection = 'first' | 'all' | ((options: string[]) => string[]);

export async function resolveVariables(
  client: pg.Client,
  dashboard: DashboardFile,
  range: TimeRange,
  select: Record<string, Selection>,
): Promise<Map<string, VariableValue>> {
  const values = new Map<string, VariableValue>();
  for (const variable of dashboard.templating.list) {
    const options = await variableOptions(client, variable, range, values);
    values.set(variable.name, chosen(variable, options, select[variable.name] ?? 'all'));
  }
  return values;
}

async function variableOptions(client: pg.Client, variable: VariableModel, range: TimeRange, known: Variables): Promise<string[]> {
  const { rows } = await runSql(client, fillSql(variable.query, range, 60_000, known));
  return rows.map((r) => String(r.__value));
}

function chosen(variable: VariableModel, options: string[], selection: Selection): VariableValue {
  const { multi, includeAll } = variable;
  if (options.length === 0) throw new Error(`variable ${variable.name} has no options`);
  if (selection === 'first' || (!multi && !includeAll)) {
    const picked = typeof selection === 'function' ? selection(options)[0] : options[0];
    return { value: picked ?? '', multi, includeAll };
  }
  // "All" without a custom all value: Grafana sends every option.
  return { value: selection === 'all' ? options : selection(options), multi, includeAll };
}

export interface QueryRun {
  text: string;
  sql?: SqlResult;
  influx?: InfluxSeries[];
}

export interface QueryContext {
  range: TimeRange;
  variables: Variables;
  sqlClient: pg.Client;
  influx: InfluxStore;
  /** Minimum interval per data source uid (provisioned timeInterval), in ms. */
  minIntervalMs: (uid: string) => number;
}

export async function runPanelQuery(q: PanelQuery, c: QueryContext): Promise<QueryRun> {
  const intervalMs = grafanaIntervalMs(c.range, c.minIntervalMs(q.datasource.uid));
  if (q.target.rawSql !== undefined) {
    const text = fillSql(q.target.rawSql, c.range, intervalMs, c.variables);
    return { text, sql: await runSql(c.sqlClient, text) };
  }
  if (q.target.query !== undefined) {
    const text = fillInfluxQl(q.target.query, c.range, intervalMs, c.variables);
    const [statement] = await c.influx.query(text);
    return { text, influx: statement ?? [] };
  }
  throw new Error(`${q.dashboard}: panel "${q.panel.title}" query ${q.target.refId} has neither rawSql nor query`);
}
