/** Refusals of the access module, with stable codes the API maps to problem documents. */
export type AccessErrorCode =
  /** Unknown user, wrong password, disabled user, or a token that is not (or no longer) valid: never which. */
  | 'invalid_credentials'
  /** Too many failed sign-ins for the account lately. */
  | 'too_many_attempts'
  /** The caller may not do this to that user or key. */
  | 'forbidden'
  /** No such user or key (within what the caller may see). */
  | 'not_found'
  /** The username is taken. */
  | 'conflict';

export class AccessError extends Error {
  readonly code: AccessErrorCode;
  constructor(code: AccessErrorCode, message: string) {
    super(message);
    this.name = 'AccessError';
    this.code = code;
  }
}
