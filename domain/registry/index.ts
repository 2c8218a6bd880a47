/** The registry module's public entry: everything other modules and the processes may use. */
export * from './divisions-seed.ts';
export * from './online-meters.ts';
export * from './import/errors.ts';
export * from './import/import-registry.ts';
export * from './import/template.ts';
export * from './import/types.ts';
export * from './rows.ts';
export * from './schemas.ts';
export * from './stores/intake-store.ts';
export * from './stores/meter-store.ts';
export * from './stores/permit-store.ts';
export * from './stores/table-store.ts';
export * from './stores/unit-store.ts';
export * from './vocabulary.ts';
export * from './divisions.ts';
export * from './import/parse-off-thread.ts';
export * from './confidential-export.ts';
