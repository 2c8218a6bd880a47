/** The one error the lifecycle throws on purpose; `code` is stable so the API can map it to a status. */

export type LedgerErrorCode =
  /** No such entry or attachment, or one the caller may not see (outside its division, or confidential). */
  | 'not_found'
  /** The lifecycle does not allow the action now (e.g. the entry moved on): the API answers 409. */
  | 'invalid_transition'
  | 'invalid_payload'
  /** A rule of duty refuses the caller (auditor, separation of duties, closing at the county's own level). */
  | 'forbidden'
  /** An attachment above the size limit. */
  | 'attachment_too_large'
  /** An attachment whose content is not JPEG, PNG or PDF. */
  | 'attachment_type';

/** The HTTP status each code maps to, for the route author. */
export const LEDGER_ERROR_STATUS = {
  not_found: 404,
  invalid_transition: 409,
  invalid_payload: 400,
  forbidden: 403,
  attachment_too_large: 413,
  attachment_type: 415,
} as const satisfies Record<LedgerErrorCode, number>;

export class LedgerTransitionError extends Error {
  readonly code: LedgerErrorCode;
  constructor(code: LedgerErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LedgerTransitionError';
    this.code = code;
  }
}
