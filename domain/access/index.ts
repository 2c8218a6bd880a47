/** Identity and access (docs/api.md, "Access"): principals and policies, users, sessions, API keys, the audit trail. */
export * from './api-keys.ts';
export * from './audit.ts';
export * from './errors.ts';
export * from './principal.ts';
export * from './secrets.ts';
export * from './sessions.ts';
export * from './users.ts';
