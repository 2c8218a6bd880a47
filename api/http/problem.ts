/**
 * Errors as RFC 9457 problem details, one shape for every route. `code` is stable and meant for
 * programs; `title` and `detail` are for people. The codes are listed in docs/api.md.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccessError } from '../../domain/access/index.ts';
import { LEDGER_ERROR_STATUS, LedgerTransitionError } from '../../domain/ledger/index.ts';
import { RegistryScopeError } from '../../domain/registry/index.ts';
import { SUBMISSION_ERROR_STATUS, SubmissionError } from '../../domain/submissions/index.ts';
import { InfluxQueryError } from '../../platform/influx/influx-store.ts';

export const problemCodes = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Not allowed for this user' },
  not_found: { status: 404, title: 'No such resource' },
  conflict: { status: 409, title: 'Conflicts with a record that exists' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The content is not of a type accepted here' },
  unprocessable: { status: 422, title: 'The request is understood but cannot be applied' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'A store the service depends on is unavailable' },
} as const;
export type ProblemCode = keyof typeof problemCodes;

export const fieldError = z.object({
  in: z.enum(['body', 'querystring', 'params', 'headers', 'file']).optional(),
  path: z.string().describe('Dotted path of the field, e.g. "monthlyPlanM3.3"; empty for the whole input'),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldError>;

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string(),
    errors: z.array(fieldError).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof problemSchema>;

/** Throw from a handler or service to answer with a problem document. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly errors: FieldError[] | undefined;
  constructor(code: ProblemCode, detail: string, errors?: FieldError[], options?: ErrorOptions) {
    super(detail, options);
    this.name = 'ProblemError';
    this.code = code;
    this.errors = errors;
  }
}

export function problem(code: ProblemCode, detail?: string, errors?: FieldError[], instance?: string): Problem {
  const { status, title } = problemCodes[code];
  return {
    type: `/problems/${code.replaceAll('_', '-')}`,
    title,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(instance === undefined ? {} : { instance }),
    ...(errors === undefined ? {} : { errors }),
  };
}

/** PostgreSQL error codes that are the client's doing, mapped to problems (constraint named). */
interface PgError {
  code: string;
  constraint?: string;
  detail?: string;
}
function isPgError(err: unknown): err is PgError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((err as { code: string }).code)
  );
}
function fromPgError(err: PgError): Problem | undefined {
  const where = err.constraint ? ` (${err.constraint})` : '';
  switch (err.code) {
    case '23505':
      return problem('conflict', `${err.detail ?? 'duplicate value'}${where}`);
    case '23503':
      return problem('unprocessable', `a referenced record does not exist${where}: ${err.detail ?? ''}`.trim());
    case '23514':
    case '23502':
    case '22P02':
    case '22003':
      return problem('unprocessable', `refused by the database${where}: ${err.detail ?? 'constraint violated'}`);
    default:
      return undefined;
  }
}

function validationProblem(err: FastifyError & { validation: { instancePath: string; message?: string }[] }): Problem {
  const where = err.validationContext;
  const errors = err.validation.map((v) => ({
    ...(where ? { in: where } : {}),
    path: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
    message: v.message ?? 'invalid',
  }));
  const summary = errors.map((e) => `${e.path || where || 'input'}: ${e.message}`).join('; ');
  return problem('validation_failed', summary, errors);
}

/** The problem code of each status the domain modules' error tables use. */
const CODE_OF_STATUS: Record<number, ProblemCode> = {
  400: 'validation_failed',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** The domain's refusals with stable codes (their modules' status tables), as problems. */
function fromDomainError(err: unknown): Problem | undefined {
  if (err instanceof LedgerTransitionError) return problem(CODE_OF_STATUS[LEDGER_ERROR_STATUS[err.code]] ?? 'unprocessable', err.message);
  if (err instanceof SubmissionError) return problem(CODE_OF_STATUS[SUBMISSION_ERROR_STATUS[err.code]] ?? 'unprocessable', err.message);
  if (err instanceof AccessError) {
    const code: ProblemCode =
      err.code === 'not_found'
        ? 'not_found'
        : err.code === 'conflict'
          ? 'conflict'
          : err.code === 'too_many_attempts'
            ? 'rate_limited'
            : err.code === 'invalid_credentials'
              ? 'unauthorized'
              : 'forbidden';
    return problem(code, err.message);
  }
  // A domain function parses its own input (a cursor, a period): its ZodError is the caller's mistake.
  if (err instanceof z.ZodError) {
    const errors = err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    return problem('validation_failed', errors.map((e) => `${e.path || 'input'}: ${e.message}`).join('; '), errors);
  }
  return undefined;
}

export function toProblem(err: unknown, request: FastifyRequest): Problem {
  const instance = request.url;
  if (err instanceof ProblemError) return { ...problem(err.code, err.message, err.errors), instance };
  if (hasZodFastifySchemaValidationErrors(err)) return { ...validationProblem(err), instance };
  if (isResponseSerializationError(err)) return { ...problem('internal_error', 'response did not match its schema'), instance };
  if (err instanceof RegistryScopeError) {
    return { ...problem(err.reason === 'outside_division' ? 'forbidden' : 'unprocessable', err.message), instance };
  }
  // Logged with its cause (a 5xx): the client learns only that the store failed it.
  if (err instanceof InfluxQueryError) return { ...problem('unavailable', 'the readings store (InfluxDB) did not answer'), instance };
  const domain = fromDomainError(err);
  if (domain) return { ...domain, instance };
  if (isPgError(err)) {
    const mapped = fromPgError(err);
    if (mapped) return { ...mapped, instance };
  }
  const fastifyError = err as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (status === 413) return { ...problem('payload_too_large', fastifyError.message), instance };
  if (status === 415) return { ...problem('unsupported_media_type', fastifyError.message), instance };
  if (status === 404) return { ...problem('not_found', fastifyError.message), instance };
  if (status === 429) return { ...problem('rate_limited', fastifyError.message), instance };
  if (status !== undefined && status >= 400 && status < 500) {
    return { ...problem('validation_failed', fastifyError.message), instance, status };
  }
  return { ...problem('internal_error', 'an unexpected error occurred; it has been logged'), instance };
}

/** Every error and unknown route as a problem document (fastify-plugin: sets the app's handlers). */
export const problemHandlers = fp(
  (app: FastifyInstance, _options: object, ready: (err?: Error) => void) => {
    app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const body = toProblem(err, request);
      if (body.status >= 500) request.log.error({ err }, 'request failed');
      return reply.status(body.status).type('application/problem+json').send(body);
    });
    app.setNotFoundHandler((request, reply) => {
      const body = { ...problem('not_found', `no route ${request.method} ${request.url}`), instance: request.url };
      return reply.status(404).type('application/problem+json').send(body);
    });
    ready();
  },
  { name: 'wim-problems', fastify: '5.x' },
);

export function notFound(kind: string, id: string): ProblemError {
  return new ProblemError('not_found', `${kind} ${id} does not exist`);
}
