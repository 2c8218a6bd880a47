/** Shared export code (CSV with BOM, XLSX, formula neutralising) and the campaign tables' layouts. */
export * from './campaign-exports.ts';
export * from './tabular.ts';
export * from './report-exports.ts';
