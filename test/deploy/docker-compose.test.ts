/**
 * docker-compose.yml, checked where no Docker engine runs (CI, this machine): it parses, every
 * store has a health check, the project's services start only after the migration succeeded and
 * the stores are healthy, the shipped broker config is the one mounted, and every secret has a
 * development default so `docker compose config` needs no .env.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { INGEST_NODE_ARGS } from '../services/ingest.ts';

const service = z.looseObject({
  image: z.string().optional(),
  build: z.unknown().optional(),
  command: z.array(z.string()).optional(),
  healthcheck: z.looseObject({ test: z.unknown() }).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  volumes: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.unknown()).optional(),
});
const compose = z.looseObject({ services: z.record(z.string(), service) });

const text = readFileSync('docker-compose.yml', 'utf8');
const { services } = compose.parse(parse(text, { merge: true }));

describe('docker-compose.yml', () => {
  it('has the stores, Grafana and the project services, each with an image or a build', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'api',
        'broker-logins',
        'grafana',
        'influxdb',
        'ingest',
        'migrate',
        'monitor',
        'mosquitto',
        'postgres',
        'prometheus',
        'redis',
      ].sort(),
    );
    for (const [name, s] of Object.entries(services)) expect(s.image ?? s.build, name).toBeDefined();
  });

  it('gives every store a health check and starts the project services after them and the migration', () => {
    for (const store of ['mosquitto', 'redis', 'influxdb', 'postgres']) expect(services[store]?.healthcheck, store).toBeDefined();
    for (const app of ['api', 'ingest', 'monitor']) {
      expect(services[app]?.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
        influxdb: { condition: 'service_healthy' },
        mosquitto: { condition: 'service_healthy' },
      });
    }
    expect(services.api?.healthcheck).toBeDefined();
    expect(services.ingest?.healthcheck).toBeDefined();
  });

  it('mounts the shipped broker config and keeps Redis on an append-only file', () => {
    expect(services.mosquitto?.volumes).toContain('./deploy/mosquitto/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro');
    expect(services.redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    // The same Node options as `npm run ingest` (heap bounds, V8's helper threads; docs/ingest.md).
    expect(services.ingest?.command).toEqual(['node', ...INGEST_NODE_ARGS, 'ingest/main.ts']);
  });

  it('makes the broker accounts and ACL itself before the broker starts (no manual step)', () => {
    expect(services['broker-logins']?.command?.join(' ')).toContain('scripts/broker-logins.ts /broker');
    expect(services['broker-logins']?.volumes).toEqual(['broker-accounts:/broker']);
    expect(services['broker-logins']?.environment).toHaveProperty('MQTT_METER_SECRET');
    expect(services['broker-logins']?.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
    expect(services.mosquitto?.volumes).toContain('broker-accounts:/mosquitto/config:ro');
    expect(services.mosquitto?.depends_on).toMatchObject({ 'broker-logins': { condition: 'service_completed_successfully' } });
    expect(text).not.toMatch(/mosquitto_passwd -c/);
  });

  it("mounts Prometheus's config, which scrapes ingest's metrics port", () => {
    expect(services.prometheus?.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
    const config = z
      .object({
        scrape_configs: z.array(
          z.looseObject({
            job_name: z.string(),
            dns_sd_configs: z.array(z.object({ names: z.array(z.string()), type: z.string(), port: z.number() })),
          }),
        ),
      })
      .parse(parse(readFileSync('deploy/prometheus/prometheus.yml', 'utf8')));
    expect(config.scrape_configs.find((c) => c.job_name === 'ingest')?.dns_sd_configs[0]).toMatchObject({ names: ['ingest'], port: 9464 });
  });

  it('has a default for every variable it reads, so it needs no .env', () => {
    const references = [...text.matchAll(/\$\{([A-Z0-9_]+)([^}]*)\}/g)];
    expect(references.length).toBeGreaterThan(0);
    for (const [whole, , rest] of references) expect(rest, whole).toMatch(/^:?-/);
  });
});
