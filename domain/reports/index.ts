/** The reports module's public entry: everything other modules and the processes may use. */
export * from './generate-monthly-reports.ts';
export * from './monthly-report.ts';
