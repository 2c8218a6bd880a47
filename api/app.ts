/**
 * The API application factory: builds a Fastify instance from its dependencies without listening,
 * so tests drive it with app.inject() and main.ts decides ports and shutdown.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/database.ts';
import { registerActor } from './http/actor.ts';
import { registerNulGuard } from './http/nul-guard.ts';
import { openApiTransform, openApiTransformObject } from './http/openapi.ts';
import { ProblemError, problemSchema, registerProblemHandlers } from './http/problem.ts';
import { registerRegistryRoutes } from './registry/registry.routes.ts';
import { registerReportRoutes } from './reports/reports.routes.ts';
import { registerRejectionRoutes } from './telemetry/rejections.routes.ts';

export interface AppDependencies {
  config: Pick<Config, 'logLevel' | 'provinceCode' | 'importDuplicateDistanceM'>;
  db: Db;
  /** Fastify logger option; default: pino at config.logLevel with credentials redacted. */
  logger?: FastifyServerOptions['logger'];
}

export const API_VERSION = '0.1.0';

export async function buildApp({ config, db, logger }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
    },
    // 25 MB: room for a registry import file; JSON bodies are far smaller.
    bodyLimit: 25 * 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  registerActor(app);
  registerNulGuard(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Water-intake monitor API',
        version: API_VERSION,
        description:
          'Intake registry, water-use accounts and the rectification ledger. Errors are RFC 9457 problem details.',
      },
    },
    transform: openApiTransform,
    transformObject: openApiTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.withTypeProvider<ZodTypeProvider>().get('/healthz', {
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
      await registerRegistryRoutes(v1, db, config);
      registerRejectionRoutes(v1, db);
      registerReportRoutes(v1, db);
    },
    { prefix: '/v1' },
  );
  return app;
}
