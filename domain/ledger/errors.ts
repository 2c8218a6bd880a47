/** The one error the lifecycle throws on purpose; `code` is stable so the API can map it to a status. */

export type LedgerErrorCode = 'not_found' | 'invalid_transition' | 'invalid_payload';

export class LedgerTransitionError extends Error {
  readonly code: LedgerErrorCode;
  constructor(code: LedgerErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LedgerTransitionError';
    this.code = code;
  }
}
