/**
 * The API application factory: builds a Fastify instance from its dependencies without listening,
 * so tests drive it with app.inject() and main.ts decides ports and shutdown.
 *
 * Built from plugins, in this order: problem documents for every error, the NUL guard, security
 * headers, authentication and route access (every /v1 route declares its policy), the OpenAPI
 * document, the review page under /app/, then the route groups under /v1, one plugin each, with
 * their options.
 */
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import type { InfluxReader } from '../platform/influx/readings-reader.ts';
import { logFormat, logStream } from '../platform/logger.ts';
import { authRoutes } from './access/auth.routes.ts';
import { userRoutes } from './access/users.routes.ts';
import { auth } from './http/auth.ts';
import { nulGuard } from './http/nul-guard.ts';
import { openApiDocs } from './http/openapi.ts';
import { ProblemError, problemHandlers, problemSchema } from './http/problem.ts';
import { reviewPage, tileOrigin } from './http/review-page.ts';
import { DEFAULT_LEDGER_WORKFLOW, type LedgerWorkflowOptions } from '../domain/ledger/index.ts';
import { DEFAULT_SUBMISSION_DEADLINES, type SubmissionDeadlines } from '../domain/submissions/index.ts';
import { accountRoutes } from './accounts/accounts.routes.ts';
import { ledgerRoutes } from './ledger/ledger.routes.ts';
import { mapRoutes } from './map/map.routes.ts';
import { registryRoutes } from './registry/registry.routes.ts';
import { submissionRoutes } from './submissions/submissions.routes.ts';
import { reportRoutes } from './reports/reports.routes.ts';
import { ruleRoutes } from './rules/rules.routes.ts';
import { rejectionRoutes } from './telemetry/rejections.routes.ts';

export interface AppDependencies {
  config: Pick<Config, 'logLevel' | 'provinceCode' | 'importDuplicateDistanceM' | 'auth' | 'reviewPage'>;
  db: Db;
  /** Shares the sign-in rate limits among API processes; without it they are per process. */
  redis?: Redis;
  /**
   * The readings in InfluxDB, ordinary and confidential alike (MergedInfluxReader), for the
   * readings behind a ledger entry; without it GET /v1/ledger/items/{id}/readings answers 503.
   */
  readings?: InfluxReader;
  /** The rules file's "ledger" and "submissions" sections (RuleConfig); default: their defaults. */
  workflow?: { ledger: LedgerWorkflowOptions; submissions: SubmissionDeadlines };
  /** Fastify logger option; default: pino at config.logLevel with credentials redacted. */
  logger?: FastifyServerOptions['logger'];
}

export const API_VERSION = '0.2.0';

export async function buildApp({ config, db, redis, readings, logger, workflow }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
      // One readable line per event at a terminal (LOG_FORMAT, platform/logger.ts).
      ...(logFormat() === 'pretty' ? { stream: logStream('pretty') } : {}),
    },
    // 25 MB: room for a registry import file; JSON bodies are far smaller.
    bodyLimit: 25 * 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(problemHandlers);
  await app.register(nulGuard);
  // HTTPS-only headers (HSTS, upgrading requests to https) only where the API is served over HTTPS,
  // which is where the cookies are Secure too: on plain HTTP they would break the page.
  // The review page's map may load base-map tiles from the deployment's tile service.
  const https = config.auth.secureCookies;
  const tiles = tileOrigin(config.reviewPage.tileUrl);
  await app.register(helmet, {
    global: true,
    hsts: https,
    contentSecurityPolicy: {
      directives: { upgradeInsecureRequests: https ? [] : null, imgSrc: ["'self'", 'data:', ...(tiles ? [tiles] : [])] },
    },
  });
  await app.register(auth, { db });
  await app.register(openApiDocs, { version: API_VERSION });
  await app.register(reviewPage, config.reviewPage);

  app.withTypeProvider<ZodTypeProvider>().get('/healthz', {
    config: { access: { access: 'public' } },
    schema: {
      tags: ['operations'],
      summary: 'Liveness and database reachability',
      response: { 200: z.object({ status: z.literal('ok') }), 503: problemSchema },
    },
    handler: async () => {
      try {
        await sql`select 1`.execute(db);
      } catch (err) {
        throw new ProblemError('unavailable', 'PostgreSQL does not answer', undefined, { cause: err });
      }
      return { status: 'ok' as const };
    },
  });

  await app.register(
    async (v1) => {
      await v1.register(authRoutes, {
        db,
        sessions: config.auth.sessions,
        loginsPerMinute: config.auth.loginsPerMinute,
        secureCookies: config.auth.secureCookies,
        redis,
      });
      await v1.register(userRoutes, { db });
      await v1.register(registryRoutes, { db, config });
      await v1.register(rejectionRoutes, { db });
      await v1.register(reportRoutes, { db });
      await v1.register(ledgerRoutes, { db, workflow: workflow?.ledger ?? DEFAULT_LEDGER_WORKFLOW, readings });
      await v1.register(submissionRoutes, { db, deadlines: workflow?.submissions ?? DEFAULT_SUBMISSION_DEADLINES });
      await v1.register(accountRoutes, { db });
      await v1.register(mapRoutes, { db });
      await v1.register(ruleRoutes);
    },
    { prefix: '/v1' },
  );
  return app;
}
