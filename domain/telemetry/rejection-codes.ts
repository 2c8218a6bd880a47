/** Why ingest refused a message (docs/meter-contract.md): stored with it and used by the API's filter. */
export const REJECTION_CODES = [
  'bad_topic',
  'unknown_subtopic',
  'oversize',
  'not_utf8',
  'malformed_json',
  'schema_violation',
  'timestamp_out_of_range',
  'unknown_meter',
  'store_refused',
  'corrupt_log_entry',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];
