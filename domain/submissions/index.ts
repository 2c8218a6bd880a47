/** Level-by-level submissions (docs/submissions.md): county to city to province, reviewed, frozen. */
export * from './deadlines.ts';
export * from './submissions.ts';
