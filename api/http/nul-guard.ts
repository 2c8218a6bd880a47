/**
 * PostgreSQL `text` cannot hold the NUL character (U+0000): a string carrying one would reach the
 * database and fail there (22021) as a 500. Every route is guarded here, once, before its schema
 * runs: a NUL anywhere in the query, the path parameters or a JSON body (values and keys, at any
 * depth) is refused with 400 `validation_failed` naming the field.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type FieldError, ProblemError } from './problem.ts';

type Place = 'querystring' | 'params' | 'body';

/** Dotted paths (as in validation problems) of every string or key holding a NUL, depth-first. */
function nulPaths(value: unknown, path: string[], found: string[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(path.join('.'));
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => { nulPaths(item, [...path, String(i)], found); });
  } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) found.push([...path, key.replaceAll('\u0000', '\\u0000')].join('.'));
      else nulPaths(item, [...path, key], found);
    }
  }
}

export function findNulCharacters(request: Pick<FastifyRequest, 'query' | 'params' | 'body'>): FieldError[] {
  const places: [Place, unknown][] = [['querystring', request.query], ['params', request.params], ['body', request.body]];
  return places.flatMap(([where, value]) => {
    const found: string[] = [];
    nulPaths(value, [], found);
    return found.map((path) => ({ in: where, path, message: 'must not contain the NUL character (U+0000)' }));
  });
}

export function registerNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const errors = findNulCharacters(request);
    if (errors.length === 0) {
      done();
      return;
    }
    const detail = errors.map((e) => `${e.path || e.in || 'input'}: ${e.message}`).join('; ');
    done(new ProblemError('validation_failed', detail, errors));
  });
}
