/**
 * PostgreSQL `text` cannot hold the NUL character (U+0000): a string carrying one would reach the
 * database and fail there (22021) as a 500. Every route is guarded here, once, before its schema
 * runs: a NUL anywhere in the query, the path parameters or a JSON body (values and keys, at any
 * depth) is refused with 400 `validation_failed` naming the field.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type FieldError, ProblemError } from './problem.ts';

type Place = 'querystring' | 'params' | 'body';

/** A value still to visit, with the way to it (linked to its parent, so deep input costs no copies). */
interface Visit {
  value: unknown;
  key: string | undefined;
  parent: Visit | undefined;
}

function pathOf(visit: Visit, last?: string): string {
  const keys: string[] = last === undefined ? [] : [last];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) keys.push(v.key);
  return keys.reverse().join('.');
}

/**
 * Dotted paths (as in validation problems) of every string or key holding a NUL. Iterative, not
 * recursive: a JSON body nested thousands deep must not overflow the stack (a 500 of its own).
 */
function nulPaths(root: unknown): string[] {
  const found: string[] = [];
  const stack: Visit[] = [{ value: root, key: undefined, parent: undefined }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push(pathOf(visit));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i] as unknown, key: String(i), parent: visit });
    } else if (typeof value === 'object' && value !== null && !Buffer.isBuffer(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) found.push(pathOf(visit, key.replaceAll('\u0000', '\\u0000')));
        else stack.push({ value: item, key, parent: visit });
      }
    }
  }
  return found.sort();
}

export function findNulCharacters(request: Pick<FastifyRequest, 'query' | 'params' | 'body'>): FieldError[] {
  const places: [Place, unknown][] = [
    ['querystring', request.query],
    ['params', request.params],
    ['body', request.body],
  ];
  return places.flatMap(([where, value]) => {
    return nulPaths(value).map((path) => ({ in: where, path, message: 'must not contain the NUL character (U+0000)' }));
  });
}

/** Refuses a NUL character anywhere in the query, params or JSON body (fastify-plugin: hooks every route). */
export const nulGuard = fp(
  (app: FastifyInstance, _options: object, ready: (err?: Error) => void) => {
    app.addHook('preValidation', (request, _reply, done) => {
      const errors = findNulCharacters(request);
      if (errors.length === 0) {
        done();
        return;
      }
      const detail = errors.map((e) => `${e.path || e.in || 'input'}: ${e.message}`).join('; ');
      done(new ProblemError('validation_failed', detail, errors));
    });
    ready();
  },
  { name: 'wim-nul-guard', fastify: '5.x' },
);
