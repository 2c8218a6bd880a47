/** One map: the caller's intakes as GeoJSON (RFC 7946) with permit, metering and ledger status. */
export * from './intake-map.ts';
