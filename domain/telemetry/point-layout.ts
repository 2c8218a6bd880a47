/**
 * How readings are laid out in InfluxDB (docs/point-layout.md). Tags are stable for a meter so a
 * redelivered reading lands on the same series and timestamp and overwrites itself (no double count).
 */
export const MEASUREMENT = {
  /** Readings of registered meters. Tags: county, intake, meter. */
  readings: 'readings',
  /** Readings of meters the registry does not know: evidence of unregistered intakes. Tag: meter. */
  unregisteredReadings: 'unregistered_readings',
  /** Online/offline transitions from meters/{id}/status. Tags as readings (meter only if unknown). */
  meterStatus: 'meter_status',
} as const;

export const TAG = { county: 'county', intake: 'intake', meter: 'meter' } as const;

export const FIELD = {
  totalM3: 'total_m3',
  flowM3h: 'flow_m3h',
  seq: 'seq',
  powerOff: 'power_off',
  tamper: 'tamper',
  lowBattery: 'low_battery',
  reverseFlow: 'reverse_flow',
  /** When ingest received the message (epoch ms): the monitor's clock-drift evidence. */
  receivedMs: 'received_ms',
  online: 'online',
} as const;
