/**
 * The dashboards of dashboards/json, checked as Grafana would use them: each satisfies Grafana's
 * dashboard model (@grafana/schema) and refers only to provisioned data sources; each panel's
 * queries, with Grafana's macros and variables filled in, run against real PostgreSQL (as
 * Grafana's restricted login) and InfluxDB holding a simulated fleet (testing/scenario.ts) and
 * give rows of the panel's shape; and the panels show the scenario's known figures, with nothing
 * of the confidential intake. Prometheus queries cannot run here: their metric names are checked
 * against ingest's registry.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestMetrics } from '../ingest/metrics.ts';
import { submissionStates } from '../domain/submissions/index.ts';
import { InfluxStore } from '../platform/influx/influx-store.ts';
import { useTestDatabase } from '../test/database.ts';
import { dropDatabase, testInfluxConfig } from '../test/services/influxdb.ts';
import { type DashboardFile, loadDashboards, panelQueries, type PanelQuery, provisionedDataSources } from './testing/dashboard-files.ts';
import { dashboardTypeErrors } from './testing/dashboard-schema.ts';
import { createGrafanaReader, type GrafanaReader } from './testing/grafana-reader.ts';
import type { VariableValue } from './testing/grafana-macros.ts';
import {
  grafanaSqlClient,
  type QueryContext,
  type QueryRun,
  resolveVariables,
  runPanelQuery,
  type Selection,
} from './testing/run-queries.ts';
import { buildScenario, type Scenario } from './testing/scenario.ts';

const testDb = useTestDatabase();
const influxConfig = testInfluxConfig();
const influx = new InfluxStore(influxConfig);
const dashboards = loadDashboards();
const datasources = provisionedDataSources();
const queries = dashboards.flatMap(panelQueries);
const storeQueries = queries.filter((q) => q.datasource.type !== 'prometheus');
const byUid = (uid: string) => dashboards.find((d) => d.uid === uid) as DashboardFile;

let scenario: Scenario;
let reader: GrafanaReader;
let sqlClient: pg.Client;
/** Each query's run per dashboard uid, panel id and refId, with every county selected. */
const runs = new Map<string, QueryRun | Error>();
const runKey = (q: PanelQuery) => `${q.dashboard}/${String(q.panel.id)}/${q.target.refId}`;

function minIntervalMs(uid: string): number {
  const text = datasources.find((d) => d.uid === uid)?.jsonData?.timeInterval ?? '';
  const match = /^(\d+)(s|m)$/.exec(text);
  return match ? Number(match[1]) * (match[2] === 'm' ? 60_000 : 1000) : 1;
}

async function context(dashboard: DashboardFile, select: Record<string, Selection>): Promise<QueryContext> {
  const variables = await resolveVariables(sqlClient, dashboard, scenario.range, select);
  return { range: scenario.range, variables, sqlClient, influx, minIntervalMs };
}

/** Every county; on the intake dashboard, the over-permit intake; the scenario's month of reports. */
function allCounties(): Record<string, Selection> {
  return {
    intake: (options) => options.filter((o) => o === scenario.intakes.overPermit.intakeId),
    month: (options) => options.filter((o) => o === scenario.month),
  };
}

beforeAll(async () => {
  scenario = await buildScenario(testDb.db, influx);
  reader = await createGrafanaReader(testDb.url);
  sqlClient = await grafanaSqlClient(reader.url);
  for (const dashboard of dashboards) {
    const c = await context(dashboard, allCounties());
    // A failing query is kept as its error, for its own test below to report.
    for (const q of panelQueries(dashboard).filter((p) => p.datasource.type !== 'prometheus')) {
      runs.set(runKey(q), await runPanelQuery(q, c).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    }
  }
}, 240_000);
afterAll(async () => {
  await sqlClient.end();
  await reader.drop();
  await dropDatabase(influxConfig);
});

describe('the dashboard files', () => {
  it('are the four dashboards, each with panels', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['wim-intake', 'wim-metering', 'wim-overview', 'wim-rectification']);
    for (const d of dashboards) expect(d.panels.length, d.file).toBeGreaterThan(3);
  });

  it("satisfy Grafana's dashboard model (@grafana/schema)", () => {
    const errors = dashboardTypeErrors(Object.fromEntries(dashboards.map((d) => [d.file, d.text])));
    expect(errors).toEqual(Object.fromEntries(dashboards.map((d) => [d.file, []])));
  });

  it('refer only to provisioned data sources, by uid and type', () => {
    const provisioned = new Set(datasources.map((d) => `${d.type}/${d.uid}`));
    const refs = dashboards.flatMap((d) => [...d.panels.map((p) => p.datasource), ...d.templating.list.map((v) => v.datasource)]);
    const used = [...refs, ...queries.map((q) => q.datasource)].map((r) => (r ? `${r.type}/${r.uid}` : 'none'));
    expect(used.filter((r) => !provisioned.has(r))).toEqual([]);
  });

  it('give panels unique ids, Chinese titles, English descriptions and units', () => {
    for (const d of dashboards) {
      expect(new Set(d.panels.map((p) => p.id)).size, d.file).toBe(d.panels.length);
      for (const p of d.panels) {
        expect(p.title, `${d.file}: ${p.title}`).toMatch(/\p{Script=Han}/u);
        expect(p.description ?? '', `${d.file}: ${p.title}`).toMatch(/[A-Za-z]{3,}/);
        if (p.type === 'timeseries' || p.type === 'stat') expect(p.fieldConfig?.defaults.unit, `${d.file}: ${p.title}`).toBeTruthy();
      }
    }
  });

  it('group InfluxQL by day only in Asia/Shanghai', () => {
    for (const q of queries.filter((x) => x.target.query?.includes('time(1d)'))) expect(q.target.query).toContain("tz('Asia/Shanghai')");
  });

  it('query PostgreSQL only through the views of schema grafana', () => {
    const sqlTexts = [...queries.map((q) => q.target.rawSql ?? ''), ...dashboards.flatMap((d) => d.templating.list.map((v) => v.query))];
    // extract(field FROM column) is no relation; every qualified relation must be a view of grafana.
    const relations = sqlTexts.flatMap((t) => [...t.replace(/extract\(\w+ FROM/gi, 'extract(').matchAll(/\b(?:FROM|JOIN)\s+(\w+)\.\w+/gi)]);
    expect(relations.length).toBeGreaterThan(20);
    for (const [relation, schema] of relations) expect(schema, relation).toBe('grafana');
  });
});

describe('Prometheus panels', () => {
  const metrics = new IngestMetrics({ processMetrics: true }).registry.getMetricsAsArray();
  const known = new Set(metrics.flatMap((m) => [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]));
  const exprs = queries.flatMap((q) => (q.target.expr === undefined ? [] : [[q.panel.title, q.target.expr] as const]));

  it.each(exprs)('%s: %s names metrics that ingest serves', (_title, expr) => {
    const names = [...expr.matchAll(/\bingest_[a-z_]+/g)].map((m) => m[0]);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(known, name).toContain(name);
  });
});

describe('every panel query on the simulated fleet', () => {
  it.each(storeQueries.map((q) => [q.dashboard, q.panel.title, q.target.refId, q] as const))(
    '%s: %s (%s) runs and gives rows of its shape',
    (_d, _t, _r, q) => {
      const run = ranOk(q);
      if (run.sql) expectSqlShape(q, run);
      if (run.influx) expectInfluxShape(q, run);
    },
  );

  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: runs with one county chosen too', async (_uid, dashboard) => {
    const one = (o: string[]) => o.filter((x) => x === '220200' || x === '220202');
    const c = await context(dashboard, { ...allCounties(), city: one, county: one });
    expect((c.variables.get('county') as VariableValue).value).toEqual(['220202']);
    for (const q of panelQueries(dashboard).filter((p) => p.datasource.type !== 'prometheus'))
      await expect(runPanelQuery(q, c)).resolves.toBeDefined();
  });
});

function ranOk(q: PanelQuery): QueryRun {
  const run = runs.get(runKey(q));
  if (run === undefined) throw new Error(`${runKey(q)} did not run`);
  if (run instanceof Error) throw run;
  return run;
}

function expectSqlShape(q: PanelQuery, run: QueryRun): void {
  const { columns, rows } = run.sql ?? { columns: [], rows: [] };
  expect(rows.length, run.text).toBeGreaterThan(0);
  if (q.panel.type === 'stat') expect(rows).toHaveLength(1);
  if (q.panel.type === 'geomap') expect(columns).toEqual(expect.arrayContaining(['latitude', 'longitude', 'status']));
  if (q.target.format !== 'time_series') return;
  expect(columns).toContain('time');
  const values = columns.filter((c) => c !== 'time' && c !== 'metric');
  if (columns.includes('metric')) expect(values).toHaveLength(1);
  for (const row of rows) {
    expect(row.time instanceof Date || typeof row.time === 'number', run.text).toBe(true);
    for (const v of values) expect(row[v] === null || typeof row[v] === 'number', `${v} in ${run.text}`).toBe(true);
  }
}

function expectInfluxShape(q: PanelQuery, run: QueryRun): void {
  const series = run.influx ?? [];
  expect(series.length, run.text).toBeGreaterThan(0);
  for (const s of series) {
    expect(s.columns[0]).toBe('time');
    if (q.target.resultFormat === 'time_series')
      for (const row of s.values) for (const v of row.slice(1)) expect(v === null || typeof v === 'number').toBe(true);
  }
}

/** The rows of a PostgreSQL panel (its first query), with every county selected. */
function rowsOf(uid: string, title: string): Record<string, unknown>[] {
  const panel = byUid(uid).panels.find((p) => p.title === title);
  const q = queries.find((x) => x.dashboard === uid && x.panel === panel);
  if (!q) throw new Error(`no panel "${title}" in ${uid}`);
  return ranOk(q).sql?.rows ?? [];
}

describe('known figures of the scenario', () => {
  it('the over-permit intake tops the share-of-permit table', () => {
    const [top] = rowsOf('wim-overview', '许可用量占比前列');
    expect(top?.['编码']).toBe('DBO-0');
  });

  it('counts the intakes Grafana may show: five registered, four permitted, one overdue item, escalated', () => {
    expect(rowsOf('wim-overview', '登记取水口')).toEqual([{ 登记取水口: 5 }]);
    expect(rowsOf('wim-overview', '持证取水口')).toEqual([{ 持证取水口: 4 }]);
    expect(rowsOf('wim-overview', '整改逾期')).toEqual([{ 整改逾期: 1 }]);
    expect(rowsOf('wim-overview', '升级督办')).toEqual([{ 升级督办: 1 }]);
  });

  it('marks the overdue intake red on the map, the one without a permit purple or worse', () => {
    const status = Object.fromEntries(rowsOf('wim-overview', '取水口一张图').map((r) => [String(r['编码']), r.status]));
    expect(status['DBO-0']).toBe(4);
    expect(Number(status['DBU-0'])).toBeGreaterThanOrEqual(2);
  });

  it('shows the offline meter among the offline meters of its county', () => {
    const rows = rowsOf('wim-metering', '离线与静默计量设施');
    expect(rows.find((r) => r['县'] === '南关区')?.['离线']).toBeGreaterThanOrEqual(1);
  });

  it('counts the rejected messages of meters Grafana may show, and no more', () => {
    const total = rowsOf('wim-metering', '拒收原因汇总').reduce((n, r) => n + Number(r['消息数']), 0);
    expect(total).toBe(2);
  });

  it('shows the raised and closed items, and the overdue one after its deadline', () => {
    const metrics = new Set(rowsOf('wim-rectification', '新发现与销号').map((r) => r.metric));
    expect(metrics).toEqual(new Set(['新发现 raised', '销号 closed']));
    const overdue = rowsOf('wim-rectification', '逾期问题数').map((r) => r['逾期']);
    expect(overdue.at(-1)).toBe(1);
    expect(overdue[0]).toBe(0);
  });

  it('shows the overdue item escalated to its city on the day after its deadline, and listed so', () => {
    const rows = rowsOf('wim-rectification', '逾期与升级督办');
    const changed = rows.filter((r) => Number(r['新逾期 overdue']) + Number(r['升级至市 to city']) + Number(r['升级至省 to province']) > 0);
    const reviewDay = Date.parse(`${scenario.days[2] ?? ''}T00:00:00+08:00`) + 86_400_000;
    expect(changed).toEqual([{ time: new Date(reviewDay), '新逾期 overdue': 1, '升级至市 to city': 1, '升级至省 to province': 0 }]);
    expect(rowsOf('wim-rectification', '逾期问题清单').map((r) => r['升级至'])).toEqual(['市 city']);
  });

  it("lists the month's reports: one county on time, one late, as domain/submissions judges them", async () => {
    const rows = rowsOf('wim-rectification', '月报报送情况');
    const state = new Map(rows.map((r) => [String(r['代码']), r['报送情况']]));
    expect(state.get(scenario.submitted.onTime)).toBe('on_time');
    expect(state.get(scenario.submitted.late)).toBe('late');
    const late = rows.find((r) => r['代码'] === scenario.submitted.late);
    const localDate = (d: unknown) =>
      d instanceof Date
        ? `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
        : d;
    expect(localDate(late?.['应报日期'])).toBe(`${nextMonth(scenario.month)}-03`);
    expect(late?.['审核状态']).toBe('submitted');

    const province = { actor: 'user:p', kind: 'user', id: 'p', divisionCode: '220000', role: 'staff', confidential: false } as const;
    const domain = await submissionStates(testDb.db, province, { kind: 'monthly', period: scenario.month });
    const panel = rows.map((r) => [String(r['代码']), r['报送情况'], localDate(r['应报日期'])]);
    expect(panel.sort()).toEqual(domain.map((d) => [d.divisionCode, d.state, d.dueOn]).sort());
  });

  it('shows nothing of the confidential intake in any panel, InfluxDB ones included', () => {
    const { meterId } = scenario.intakes.confidential;
    for (const q of storeQueries) {
      const run = ranOk(q);
      const key = runKey(q);
      const text = JSON.stringify(run.sql?.rows ?? run.influx);
      expect(text, key).not.toContain('DBC-0');
      expect(text, key).not.toContain(meterId);
    }
  });
});

function nextMonth(month: string): string {
  const [y = 0, m = 0] = month.split('-').map(Number);
  return m === 12 ? `${String(y + 1)}-01` : `${String(y)}-${String(m + 1).padStart(2, '0')}`;
}
