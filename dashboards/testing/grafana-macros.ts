/**
 * Grafana's query interpolation, redone for the tests so that a dashboard's queries can run
 * against real stores as Grafana would send them: template variables formatted per data source
 * (SQL lists, InfluxQL regex alternatives), the time range and interval macros. Only what the
 * dashboards use is implemented; anything else left in a query fails loudly.
 */

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** A variable's current value: an array when the variable is multi-valued or includes All. */
export interface VariableValue {
  value: string | string[];
  multi: boolean;
  includeAll: boolean;
}

export type Variables = ReadonlyMap<string, VariableValue>;

const NICE_INTERVALS_MS = [
  1, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 10e3, 15e3, 20e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1200e3, 1800e3, 3600e3, 7200e3,
  10800e3, 21600e3, 43200e3, 86400e3, 604800e3,
];

/**
 * $__interval: the range over the panel's data points, rounded up to a "nice" step and never
 * below the data source's minimum (timeInterval). Grafana rounds to the nearest step; up is as
 * good for a query that must merely run.
 */
export function grafanaIntervalMs(range: TimeRange, minIntervalMs: number, maxDataPoints = 1000): number {
  const raw = Math.max((range.toMs - range.fromMs) / maxDataPoints, minIntervalMs);
  return NICE_INTERVALS_MS.find((n) => n >= raw) ?? raw;
}

/** A duration as Grafana writes it in queries: the largest whole unit (1d, 5m, 15s, 10ms). */
export function durationText(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const unit = units.find(([, size]) => ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : `${ms}ms`;
}

function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  const sizes: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  if (!match?.[1] || !match[2]) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * (sizes[match[2]] ?? 0);
}

/** Grafana's time macros send seconds-precision RFC 3339 in UTC. */
const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Replaces $name, ${name} and [[name]] of every variable, longest names first, with `format`. */
function replaceVariables(query: string, variables: Variables, format: (v: VariableValue) => string): string {
  const names = [...variables.keys()].sort((a, b) => b.length - a.length);
  let out = query;
  for (const name of names) {
    const variable = variables.get(name);
    if (!variable) continue;
    const pattern = new RegExp(`\\$\\{${name}\\}|\\[\\[${name}\\]\\]|\\$${name}(?![A-Za-z0-9_])`, 'g');
    out = out.replace(pattern, () => format(variable));
  }
  return out;
}

const quoteLiteral = (v: string): string => `'${v.replaceAll("'", "''")}'`;

/** Grafana's SQL data sources: a list of quoted literals when multi or All, else the bare text. */
export function sqlVariableText(v: VariableValue): string {
  if (Array.isArray(v.value)) return v.value.map(quoteLiteral).join(',');
  return v.multi || v.includeAll ? quoteLiteral(v.value) : v.value.replaceAll("'", "''");
}

const regexEscape = (v: string): string => v.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');

/** Grafana's InfluxQL data source: `(a|b)` (escaped for a regex) when multi or All, else the value. */
export function influxVariableText(v: VariableValue): string {
  if (!Array.isArray(v.value)) return v.multi || v.includeAll ? regexEscape(v.value) : v.value;
  const escaped = v.value.map(regexEscape);
  return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
}

function assertFilled(query: string): string {
  const left = /\$\{?__\w+|\$timeFilter|\$interval|\[\[\w+\]\]|\$\{\w+\}|\$[a-z]\w*/.exec(query);
  if (left) throw new Error(`query still holds ${left[0]} after interpolation:\n${query}`);
  return query;
}

/** A PostgreSQL panel query as Grafana's grafana-postgresql-datasource sends it. */
export function fillSql(query: string, range: TimeRange, intervalMs: number, variables: Variables): string {
  const from = quoteLiteral(rfc3339(range.fromMs));
  const to = quoteLiteral(rfc3339(range.toMs));
  const group = (column: string, step: string) =>
    `floor(extract(epoch from ${column})/${parseDurationMs(step) / 1000})*${parseDurationMs(step) / 1000}`;
  const filled = replaceVariables(query, variables, sqlVariableText)
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', durationText(intervalMs))
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_m, column: string) => `${column.trim()} BETWEEN ${from} AND ${to}`)
    .replaceAll('$__timeFrom()', from)
    .replaceAll('$__timeTo()', to)
    .replace(/\$__timeGroupAlias\(([^,]+),\s*([^)]+)\)/g, (_m, column: string, step: string) => `${group(column.trim(), step)} AS "time"`)
    .replace(/\$__timeGroup\(([^,]+),\s*([^)]+)\)/g, (_m, column: string, step: string) => group(column.trim(), step));
  return assertFilled(filled);
}

/** An InfluxQL panel query as Grafana's influxdb data source (InfluxQL mode) sends it. */
export function fillInfluxQl(query: string, range: TimeRange, intervalMs: number, variables: Variables): string {
  const timeFilter = `time >= ${range.fromMs}ms and time <= ${range.toMs}ms`;
  const filled = replaceVariables(query, variables, influxVariableText)
    .replaceAll('$__timeFilter', timeFilter)
    .replaceAll('$timeFilter', timeFilter)
    .replaceAll('$__interval_ms', String(intervalMs))
    .replaceAll('$__interval', durationText(intervalMs))
    .replaceAll('$interval', durationText(intervalMs));
  return assertFilled(filled);
}
