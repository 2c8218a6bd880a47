/** Prometheus metrics of one ingest process (served at /metrics; names documented in docs/ingest.md). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { REJECTION_CODES } from '../domain/telemetry/index.ts';

export class IngestMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: 'ingest_messages_received_total',
    help: 'MQTT messages received and logged',
    registers: [this.registry],
  });
  readonly acked = new Counter({
    name: 'ingest_messages_acked_total',
    help: 'MQTT messages acknowledged to the broker',
    registers: [this.registry],
  });
  readonly written = new Counter({
    name: 'ingest_readings_written_total',
    help: 'Readings written to InfluxDB',
    labelNames: ['registered'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'ingest_messages_rejected_total',
    help: 'Messages rejected, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly unstorableRejections = new Counter({
    name: 'ingest_rejections_unstorable_total',
    help: 'Rejections PostgreSQL refused to keep (logged instead), by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'ingest_batch_size',
    help: 'Messages per stored slice of a drained batch (at most 2 MB of journal)',
    buckets: [1, 10, 50, 100, 500, 1000, 2000, 5000, 10000],
    registers: [this.registry],
  });
  readonly writeSeconds = new Histogram({
    name: 'ingest_influx_write_seconds',
    help: 'Time to get a slice written to InfluxDB, retries included',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly ackLagSeconds = new Histogram({
    name: 'ingest_ack_lag_seconds',
    help: 'From receipt of a message to its acknowledgement (durable append)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly storeLagSeconds = new Histogram({
    name: 'ingest_store_lag_seconds',
    help: 'From receipt of a message to its readings being in InfluxDB',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60, 300],
    registers: [this.registry],
  });
  readonly readingAgeSeconds = new Histogram({
    name: 'ingest_reading_age_seconds',
    help: 'Age of a reading (its ts) when stored: meter buffering + transport + ingest',
    buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 300, 3600, 86400],
    registers: [this.registry],
  });
  readonly backlog = new Gauge({
    name: 'ingest_journal_backlog',
    help: 'Entries in the durable journal not yet stored',
    registers: [this.registry],
  });
  readonly logOldestEntryAgeSeconds = new Gauge({
    name: 'ingest_journal_oldest_entry_age_seconds',
    help: 'Age of the oldest entry in the durable journal not yet stored (0 when it is empty)',
    registers: [this.registry],
  });
  readonly logStalled = new Gauge({
    name: 'ingest_journal_stalled',
    help: '1 when the oldest entry in the durable journal is older than INGEST_STALL_AFTER_S (the journal is not draining), else 0',
    registers: [this.registry],
  });
  readonly writeFailures = new Counter({
    name: 'ingest_store_failures_total',
    help: 'Failed attempts to store a batch (retried)',
    labelNames: ['store'] as const,
    registers: [this.registry],
  });
  readonly connected = new Gauge({ name: 'ingest_mqtt_connections_up', help: 'MQTT connections currently up', registers: [this.registry] });

  /**
   * Each thread of ingest has its own IngestMetrics and /metrics adds them up; the process-wide
   * metrics (CPU, memory, event loop) are collected on the main thread only (processMetrics).
   */
  constructor({ processMetrics }: { processMetrics: boolean }) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'ingest_' });
    for (const reason of REJECTION_CODES) this.rejected.inc({ reason }, 0);
  }
}
