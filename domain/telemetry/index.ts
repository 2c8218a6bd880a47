/** The telemetry module's public entry: everything other modules and the processes may use. */
export * from './broker-logins.ts';
export * from './meter-contract.ts';
export * from './point-layout.ts';
export * from './points.ts';
export * from './rejection-codes.ts';
export * from './rejection-store.ts';
