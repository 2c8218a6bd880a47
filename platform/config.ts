/**
 * The one configuration schema of every process (api, ingest, monitor, migrate, simulators).
 * Read from environment variables; every default points at a service on localhost so a newcomer
 * can run the system without setting anything. A bad value stops the process at start with a
 * message naming the variable and what was expected (see ConfigError).
 */
import { z } from 'zod';

/**
 * The most MQTT connections one ingest process may have. Ingest retires, at start, the broker
 * sessions of connection numbers from its configured count up to this (ingest/mqtt-receiver.ts).
 */
export const MAX_MQTT_CONNECTIONS = 64;

/** A name stable across restarts of this process, so its MQTT sessions and log consumer resume. */
function defaultIngestId(): string {
  return (process.env.HOSTNAME ?? 'ingest').replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40) || 'ingest';
}

const port = z.coerce.number().int().min(1).max(65535);
const boolish = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const url = (protocols: string[]) =>
  z.string().refine((v) => URL.canParse(v) && protocols.includes(new URL(v).protocol.replace(/:$/, '')), {
    error: `expected a URL with scheme ${protocols.map((p) => `${p}://`).join(' or ')}`,
  });

/** Environment variables, as the process sees them. Documented in README.md ("Configuration"). */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: url(['postgres', 'postgresql']).default('postgres://postgres@127.0.0.1:5432/water_intake'),
    REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),
    MQTT_URL: url(['mqtt', 'mqtts', 'tcp', 'ws', 'wss']).default('mqtt://127.0.0.1:1883'),
    MQTT_USERNAME: z.string().optional(),
    MQTT_PASSWORD: z.string().optional(),
    MQTT_METER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),

    INFLUX_URL: url(['http', 'https']).default('http://127.0.0.1:8086'),
    INFLUX_API: z.enum(['v1', 'v2']).default('v1'),
    INFLUX_DATABASE: z.string().min(1).default('water_intake'),
    INFLUX_RETENTION_POLICY: z.string().default(''),
    INFLUX_USERNAME: z.string().optional(),
    INFLUX_PASSWORD: z.string().optional(),
    INFLUX_ORG: z.string().optional(),
    INFLUX_BUCKET: z.string().optional(),
    INFLUX_TOKEN: z.string().optional(),
    INFLUX_GZIP_MIN_BYTES: z.coerce.number().int().min(0).default(0),
    INFLUX_CONFIDENTIAL_DATABASE: z.string().min(1).optional(),

    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: port.default(3000),
    APP_TILE_URL: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, 'expected an http(s) URL template')
      .refine((v) => ['{z}', '{x}', '{y}'].every((p) => v.includes(p)), 'expected {z}, {x} and {y} in the tile URL template')
      .optional(),
    APP_TILE_ATTRIBUTION: z.string().max(300).default(''),

    PROVINCE_CODE: z
      .string()
      .regex(/^[1-9][0-9]0000$/, 'expected a 6-digit province code ending in 0000, e.g. 220000')
      .default('220000'),
    IMPORT_DUPLICATE_DISTANCE_M: z.coerce.number().positive().max(100_000).default(100),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    SEED_DIVISIONS: boolish.default(true),
    START_DEMO: boolish.default(true),

    INGEST_ID: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'expected 1-40 letters, digits, _ . or -')
      .default(defaultIngestId()),
    INGEST_MQTT_CONNECTIONS: z.coerce.number().int().min(0).max(MAX_MQTT_CONNECTIONS).default(2),
    INGEST_SHARE_GROUP: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/)
      .default('ingest'),
    INGEST_JOURNAL_STREAM: z.string().min(1).default('ingest:log'),
    INGEST_BATCH_MAX: z.coerce.number().int().min(1).max(50_000).default(5000),
    INGEST_DRAIN_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    INGEST_DRAIN_LINGER_MS: z.coerce.number().int().min(0).max(5_000).default(100),
    INGEST_APPEND_INTERVAL_MS: z.coerce.number().int().min(0).max(1_000).default(5),
    INGEST_MAX_FUTURE_S: z.coerce.number().int().min(0).default(86_400),
    INGEST_MAX_PAST_DAYS: z.coerce.number().int().min(1).default(400),
    INGEST_REJECTION_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
    INGEST_REJECTION_MAX_ROWS: z.coerce.number().int().min(1000).default(1_000_000),
    INGEST_REGISTRY_REFRESH_MS: z.coerce.number().int().min(100).default(2000),
    INGEST_COALESCE_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    INGEST_STALL_AFTER_S: z.coerce.number().int().min(1).max(86_400).default(30),
    INGEST_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    INGEST_METRICS_PORT: port.default(9464),

    MONITOR_RULES_FILE: z.string().min(1).optional(),

    AUTH_ACCESS_TTL_S: z.coerce.number().int().min(60).max(86_400).default(900),
    AUTH_REFRESH_TTL_S: z.coerce
      .number()
      .int()
      .min(300)
      .max(90 * 86_400)
      .default(604_800),
    AUTH_MAX_FAILED_LOGINS: z.coerce.number().int().min(1).max(100).default(10),
    AUTH_FAILED_LOGIN_WINDOW_S: z.coerce.number().int().min(60).max(86_400).default(900),
    AUTH_LOGINS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
    AUTH_SECURE_COOKIES: boolish.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.INFLUX_API !== 'v2') return;
    for (const key of ['INFLUX_ORG', 'INFLUX_BUCKET', 'INFLUX_TOKEN'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'required when INFLUX_API=v2' });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** Variables whose values are never printed, not even in an error about them. */
const SECRET_VARIABLES = new Set(['MQTT_PASSWORD', 'MQTT_METER_SECRET', 'INFLUX_PASSWORD', 'INFLUX_TOKEN']);

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface InfluxConfig {
  url: string;
  api: 'v1' | 'v2';
  /** v1: database; v2: bucket. Queries (InfluxQL over /query) use this name as the database. */
  database: string;
  retentionPolicy: string;
  username: string | undefined;
  password: string | undefined;
  org: string | undefined;
  token: string | undefined;
  /** Writes of at least this many bytes are sent gzip-compressed; 0 (the default): never. */
  gzipMinBytes?: number;
  /**
   * Where readings of confidential intakes go (v1 database or v2 bucket), so that a database given
   * to Grafana never holds them; default: the database's name with "_confidential".
   */
  confidentialDatabase?: string;
}

export interface Config {
  env: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  databaseUrl: string;
  dbPoolSize: number;
  redisUrl: string;
  mqtt: { url: string; username: string | undefined; password: string | undefined; meterSecret: string | undefined };
  influx: InfluxConfig;
  api: { host: string; port: number };
  /** The review page under /app (api/review-page.ts). */
  reviewPage: ReviewPageConfig;
  provinceCode: string;
  importDuplicateDistanceM: number;
  seedDivisions: boolean;
  /** `npm start` loads the demonstration province into an empty registry (scripts/demo/province.ts). */
  startDemo: boolean;
  ingest: IngestConfig;
  monitor: { rulesFile: string | undefined };
  auth: AuthConfig;
}

export interface ReviewPageConfig {
  /**
   * Base-map tiles, an XYZ URL template such as https://tiles.example.gov.cn/{z}/{x}/{y}.png
   * (government deployments use their own tile service); unset: the map has no base map.
   */
  tileUrl: string | undefined;
  /** Credit line shown on the map for the tiles. Default: none. */
  tileAttribution: string;
}

export interface AuthConfig {
  /** Lifetimes and the per-account throttle of sign-in sessions (domain/access SessionOptions). */
  sessions: { accessTtlS: number; refreshTtlS: number; maxFailures: number; failureWindowS: number };
  /** Sign-in attempts per address and minute. */
  loginsPerMinute: number;
  /** Cookies only over HTTPS; default: in production. */
  secureCookies: boolean;
}

export interface IngestConfig {
  /** Stable id of this ingest process: MQTT client ids and the log consumer name derive from it. */
  id: string;
  mqttConnections: number;
  shareGroup: string;
  journalStream: string;
  batchMax: number;
  drainConcurrency: number;
  drainLingerMs: number;
  appendIntervalMs: number;
  maxFutureMs: number;
  maxPastMs: number;
  rejectionRetentionDays: number;
  rejectionMaxRows: number;
  registryRefreshMs: number;
  coalesceMs: number;
  /** /healthz turns unhealthy when the oldest entry waiting in the log is older than this. */
  stallAfterMs: number;
  metrics: { host: string; port: number };
}

function describeIssue(issue: z.core.$ZodIssue, source: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? '(environment)');
  const raw = source[name];
  const shown = raw === undefined ? 'unset' : SECRET_VARIABLES.has(name) ? 'a value (hidden)' : JSON.stringify(raw);
  return `${name}: ${issue.message} (got ${shown})`;
}

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set": docker-compose and shells often pass VAR= for optional ones.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, source)));
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseUrl: e.DATABASE_URL,
    dbPoolSize: e.DB_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    mqtt: { url: e.MQTT_URL, username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD, meterSecret: e.MQTT_METER_SECRET },
    influx: {
      url: e.INFLUX_URL,
      api: e.INFLUX_API,
      database: e.INFLUX_API === 'v2' ? (e.INFLUX_BUCKET ?? e.INFLUX_DATABASE) : e.INFLUX_DATABASE,
      retentionPolicy: e.INFLUX_RETENTION_POLICY,
      username: e.INFLUX_USERNAME,
      password: e.INFLUX_PASSWORD,
      org: e.INFLUX_ORG,
      token: e.INFLUX_TOKEN,
      gzipMinBytes: e.INFLUX_GZIP_MIN_BYTES,
      confidentialDatabase:
        e.INFLUX_CONFIDENTIAL_DATABASE ??
        `${e.INFLUX_API === 'v2' ? (e.INFLUX_BUCKET ?? e.INFLUX_DATABASE) : e.INFLUX_DATABASE}_confidential`,
    },
    api: { host: e.API_HOST, port: e.API_PORT },
    reviewPage: { tileUrl: e.APP_TILE_URL, tileAttribution: e.APP_TILE_ATTRIBUTION },
    provinceCode: e.PROVINCE_CODE,
    importDuplicateDistanceM: e.IMPORT_DUPLICATE_DISTANCE_M,
    seedDivisions: e.SEED_DIVISIONS,
    startDemo: e.START_DEMO,
    ingest: {
      id: e.INGEST_ID,
      mqttConnections: e.INGEST_MQTT_CONNECTIONS,
      shareGroup: e.INGEST_SHARE_GROUP,
      journalStream: e.INGEST_JOURNAL_STREAM,
      batchMax: e.INGEST_BATCH_MAX,
      drainConcurrency: e.INGEST_DRAIN_CONCURRENCY,
      drainLingerMs: e.INGEST_DRAIN_LINGER_MS,
      appendIntervalMs: e.INGEST_APPEND_INTERVAL_MS,
      maxFutureMs: e.INGEST_MAX_FUTURE_S * 1000,
      maxPastMs: e.INGEST_MAX_PAST_DAYS * 86_400_000,
      rejectionRetentionDays: e.INGEST_REJECTION_RETENTION_DAYS,
      rejectionMaxRows: e.INGEST_REJECTION_MAX_ROWS,
      registryRefreshMs: e.INGEST_REGISTRY_REFRESH_MS,
      coalesceMs: e.INGEST_COALESCE_MS,
      stallAfterMs: e.INGEST_STALL_AFTER_S * 1000,
      metrics: { host: e.INGEST_METRICS_HOST, port: e.INGEST_METRICS_PORT },
    },
    monitor: { rulesFile: e.MONITOR_RULES_FILE },
    auth: {
      sessions: {
        accessTtlS: e.AUTH_ACCESS_TTL_S,
        refreshTtlS: e.AUTH_REFRESH_TTL_S,
        maxFailures: e.AUTH_MAX_FAILED_LOGINS,
        failureWindowS: e.AUTH_FAILED_LOGIN_WINDOW_S,
      },
      loginsPerMinute: e.AUTH_LOGINS_PER_MINUTE,
      secureCookies: e.AUTH_SECURE_COOKIES ?? e.NODE_ENV === 'production',
    },
  };
}

/** For a process entry point: load or print what is wrong and exit non-zero. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
