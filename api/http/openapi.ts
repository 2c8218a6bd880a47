/**
 * Finishing touches on the OpenAPI document that the zod transforms cannot express, so that a
 * client generated from it works: problem documents are declared as `application/problem+json`
 * (the type they are sent with, see problem.ts), and multipart routes, whose parts the handler
 * reads itself (no body schema validates them), publish their fields from route config.
 */
import fastifySwagger, { type SwaggerTransform, type SwaggerTransformObject } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The OpenAPI schema of a multipart/form-data body (e.g. a file field), for the document only. */
    multipartBody?: Record<string, unknown>;
  }
}

const PROBLEM_REF = '#/components/schemas/Problem';
const JSON_TYPE = 'application/json';
const PROBLEM_TYPE = 'application/problem+json';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isProblemRef = (schema: unknown): boolean => isRecord(schema) && schema.$ref === PROBLEM_REF;

/** A response's JSON content, split into what is sent as JSON and what as a problem document. */
function splitProblemContent(response: unknown): void {
  if (!isRecord(response) || !isRecord(response.content)) return;
  const content = response.content;
  const json = content[JSON_TYPE];
  if (!isRecord(json)) return;
  const schema = json.schema;
  if (isProblemRef(schema)) {
    content[PROBLEM_TYPE] = json;
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a media type key of the document
    delete content[JSON_TYPE];
    return;
  }
  const anyOf = isRecord(schema) && Array.isArray(schema.anyOf) ? (schema.anyOf as unknown[]) : undefined;
  if (anyOf?.some(isProblemRef)) {
    const others = anyOf.filter((s) => !isProblemRef(s));
    content[JSON_TYPE] = { ...json, schema: others.length === 1 ? others[0] : { anyOf: others } };
    content[PROBLEM_TYPE] = { schema: { $ref: PROBLEM_REF } };
  }
}

export const openApiTransform: SwaggerTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const body = input.route.config?.multipartBody;
  if (body === undefined) return out;
  // A route that takes JSON too (its body schema validates JSON; the handler reads multipart): both media types.
  const json: unknown = isRecord(out.schema) ? out.schema.body : undefined;
  if (json === undefined) return { ...out, schema: { ...out.schema, body } };
  return {
    ...out,
    schema: { ...out.schema, body: { content: { [JSON_TYPE]: { schema: json }, 'multipart/form-data': { schema: body } } } },
  };
};

export const openApiTransformObject: SwaggerTransformObject = (documentObject) => {
  const doc = jsonSchemaTransformObject(documentObject);
  const paths: unknown = 'paths' in doc ? doc.paths : undefined;
  if (!isRecord(paths)) return doc;
  for (const pathItem of Object.values(paths)) {
    if (!isRecord(pathItem)) continue;
    for (const operation of Object.values(pathItem)) {
      if (!isRecord(operation) || !isRecord(operation.responses)) continue;
      for (const response of Object.values(operation.responses)) splitProblemContent(response);
    }
  }
  return doc;
};

export interface OpenApiOptions {
  version: string;
}

/**
 * The OpenAPI document at /docs/json and its page at /docs (fastify-plugin: the document must see
 * every route of the app). The security schemes are the credentials api/http/auth.ts accepts.
 */
export const openApiDocs = fp(
  async (app: FastifyInstance, { version }: OpenApiOptions) => {
    await app.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'Water-intake monitor API',
          version,
          description:
            'Intake registry, water-use accounts and the rectification ledger. Errors are RFC 9457 problem details. ' +
            'Sign in with POST /v1/auth/login and send the access token as a bearer token, or send an API key as X-API-Key.',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: 'The access token from POST /v1/auth/login' },
            cookie: { type: 'apiKey', in: 'cookie', name: 'wim_access', description: 'The session cookie of a browser sign-in' },
            apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A machine client key (POST /v1/api-keys)' },
          },
        },
      },
      transform: openApiTransform,
      transformObject: openApiTransformObject,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  },
  { name: 'wim-openapi', fastify: '5.x' },
);
