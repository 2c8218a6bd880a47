/**
 * Who is acting, for the audit trail. Until authentication lands (a later issue) every request
 * acts as `api:anonymous`; the auth plugin will set request.actor from the verified user, and
 * routes read only request.actor, so they need no change then.
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    actor: string;
  }
}

export const ANONYMOUS_ACTOR = 'api:anonymous';

export function registerActor(app: FastifyInstance): void {
  app.decorateRequest('actor', ANONYMOUS_ACTOR);
}
