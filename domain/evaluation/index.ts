/** The evaluation module's public entry: everything other modules and the processes may use. */
export * from './intake-evaluator.ts';
export * from './rule-config.ts';
