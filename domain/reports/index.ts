/** The reports module's public entry: everything other modules and the processes may use. */
export * from './campaign-tables.ts';
export * from './generate-monthly-reports.ts';
export * from './intake-status.ts';
export * from './monthly-narrative.ts';
export * from './monthly-report.ts';
export * from './export/index.ts';
