/**
 * The dashboards of dashboards/json and the data sources of dashboards/provisioning, read as the
 * tests need them: each panel's queries with their data source, and the template variables.
 * Parsed with zod for the parts read here; the whole model is checked against @grafana/schema
 * by dashboard-schema.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const DASHBOARD_DIR = new URL('../json/', import.meta.url).pathname;
const DATASOURCES_FILE = new URL('../provisioning/datasources/datasources.yaml', import.meta.url).pathname;

const dataSourceRef = z.object({ type: z.string(), uid: z.string() });
const target = z.looseObject({
  refId: z.string(),
  datasource: dataSourceRef.optional(),
  rawSql: z.string().optional(),
  format: z.enum(['table', 'time_series']).optional(),
  query: z.string().optional(),
  resultFormat: z.enum(['table', 'time_series']).optional(),
  expr: z.string().optional(),
});
const panel = z.looseObject({
  id: z.number(),
  type: z.string(),
  title: z.string(),
  description: z.string().optional(),
  datasource: dataSourceRef.optional(),
  targets: z.array(target).default([]),
  fieldConfig: z.looseObject({ defaults: z.looseObject({ unit: z.string().optional() }) }).optional(),
});
const variable = z.looseObject({
  name: z.string(),
  type: z.string(),
  datasource: dataSourceRef.optional(),
  query: z.string(),
  multi: z.boolean().default(false),
  includeAll: z.boolean().default(false),
});
const dashboardFile = z.looseObject({
  uid: z.string(),
  title: z.string(),
  panels: z.array(panel),
  templating: z.object({ list: z.array(variable) }),
});

export type DataSourceRef = z.infer<typeof dataSourceRef>;
export type PanelTarget = z.infer<typeof target>;
export type PanelModel = z.infer<typeof panel>;
export type VariableModel = z.infer<typeof variable>;
export type DashboardFile = z.infer<typeof dashboardFile> & { file: string; text: string };

export function dashboardFileNames(): string[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

export function loadDashboards(): DashboardFile[] {
  return dashboardFileNames().map((file) => {
    const text = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
    return { ...dashboardFile.parse(JSON.parse(text)), file, text };
  });
}

/** One query of a panel, with the data source it goes to (its own, else the panel's). */
export interface PanelQuery {
  dashboard: string;
  panel: PanelModel;
  target: PanelTarget;
  datasource: DataSourceRef;
}

export function panelQueries(dashboard: DashboardFile): PanelQuery[] {
  return dashboard.panels.flatMap((p) =>
    p.targets.map((t) => {
      const datasource = t.datasource ?? p.datasource;
      if (!datasource) throw new Error(`${dashboard.file}: panel "${p.title}" query ${t.refId} has no data source`);
      return { dashboard: dashboard.uid, panel: p, target: t, datasource };
    }),
  );
}

const provisioning = z.object({
  datasources: z.array(
    z.looseObject({
      name: z.string(),
      uid: z.string(),
      type: z.string(),
      jsonData: z.looseObject({ timeInterval: z.string().optional() }).optional(),
    }),
  ),
});
export type ProvisionedDataSource = z.infer<typeof provisioning>['datasources'][number];

export function provisionedDataSources(): ProvisionedDataSource[] {
  return provisioning.parse(parse(readFileSync(DATASOURCES_FILE, 'utf8'))).datasources;
}
