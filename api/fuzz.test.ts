/**
 * Schema-driven fuzzing of every operation in the API's own OpenAPI document (issue 15, defect 7):
 * requests are generated from the published parameter and body schemas, then pushed toward the
 * edges (NUL characters, huge and tiny numbers, long strings, ids past bigint, wrong types,
 * malformed JSON and multipart), and sent with api() to an app on a real PostgreSQL
 * database. No answer may be a 5xx. Reproduce a failure with FUZZ_SEED=<seed> (printed by
 * fast-check); FUZZ_RUNS sets the runs per operation.
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finding, raise } from '../domain/ledger/testing/fixtures.ts';
import { MergedInfluxReader } from '../platform/influx/readings-reader.ts';
import { useTestDatabase } from '../test/database.ts';
import { testInfluxConfig } from '../test/services/influxdb.ts';
import { type Caller, callerOf, signedIn, testApp } from './testing/app.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20260615);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

/** The subset of (OpenAPI 3.0) JSON Schema the document uses. */
interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  multipleOf?: number;
  nullable?: boolean;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const testDb = useTestDatabase();
let app: FastifyInstance;
let api: Caller;
let doc: Document;

beforeAll(async () => {
  // InfluxDB as main.ts gives it (its database not created: no readings), so the readings route answers.
  app = await testApp(testDb.db, { readings: MergedInfluxReader.of(testInfluxConfig()) });
  api = callerOf(app, await signedIn(testDb.db));
  doc = (await api('/docs/json')).json<Document>();
  // A record of each kind with id 1, so that generated ids also reach existing records.
  const post = (url: string, payload: object) => api({ method: 'POST', url, payload });
  const seeded = [
    await post('/v1/units', { name: '模糊测试单位', kind: 'person', countyCode: '220102' }),
    await post('/v1/intakes', {
      code: 'FZ-1',
      name: '取水口',
      countyCode: '220102',
      unitId: '1',
      longitude: 125.32,
      latitude: 43.88,
      sourceType: 'river',
      waterUse: 'public_supply',
      intakeKind: 'pump_station',
    }),
    await post('/v1/permits', {
      permitNumber: 'FZ-P1',
      intakeId: '1',
      issuingLevel: 'city',
      validFrom: '2025-01-01',
      validTo: '2029-12-31',
      annualVolumeM3: 1000,
    }),
    await post('/v1/meters', {
      meterId: 'FZ-M1',
      intakeId: '1',
      meterType: 'electromagnetic',
      readingMode: 'online',
      installedOn: '2024-05-01',
    }),
  ];
  expect(seeded.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
  // A ledger entry on that intake, so that the ledger's routes by id reach one too.
  expect(await raise(testDb.db, finding('1', { subject: 'FZ-M1' }))).toBe('1');
});
afterAll(() => app.close());

// ---- edge values ------------------------------------------------------------------------------

const edgeString = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '%00',
    '\ud800',
    '😀',
    '0',
    '-1',
    'null',
    'true',
    '1e309',
    'NaN',
    '../..',
    "' or 1=1 --",
    '%',
    '_',
    '\\',
  ),
  fc.constantFrom('9223372036854775807', '9223372036854775808', '99999999999999999999', '0000000000000000001'),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ maxLength: 10 }).map((s) => `${s}\u0000${s}`),
);
const edgeNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1e12, 1e13, 1e20, 1e308, -1e308, 5e-324, 0.004, 1.26, 2 ** 53 + 1, 2 ** 63, 0.1 + 0.2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.constant({ a: '\u0000' }),
  edgeNumber,
  edgeString,
);

// ---- arbitraries from the published schemas ---------------------------------------------------

function resolve(schema: Schema): Schema {
  if (schema.$ref === undefined) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const found = doc.components?.schemas?.[name];
  if (!found) throw new Error(`unresolved ${schema.$ref}`);
  return found;
}

/** Values of some patterns that exist in the database (the seeded records, divisions of Jilin), so requests also get past it. */
const KNOWN_VALUES: Record<string, string[]> = {
  '^[1-9][0-9]{0,18}$': ['1', '2'],
  '^[1-9][0-9]{5}$': ['220102', '220100', '220000'],
};

function stringFrom(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date')
    return fc
      .date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'date-time')
    return fc.date({ min: new Date('1970-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.pattern !== undefined) {
    const matching = fc.stringMatching(new RegExp(schema.pattern));
    const known = KNOWN_VALUES[schema.pattern];
    return known ? fc.oneof(fc.constantFrom(...known), matching) : matching;
  }
  return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 300) });
}

function numberFrom(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const exclusive = schema.exclusiveMinimum === true;
  const min = schema.minimum ?? -1e6;
  const max = schema.maximum ?? 1e6;
  if (integer)
    return fc.integer({
      min: Math.max(Math.ceil(min) + (exclusive ? 1 : 0), Number.MIN_SAFE_INTEGER),
      max: Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER),
    });
  const step = schema.multipleOf;
  if (step !== undefined) {
    const lo = Math.ceil(min / step) + (exclusive ? 1 : 0);
    const hi = Math.floor(max / step);
    return fc
      .oneof(fc.constantFrom(lo, hi), fc.integer({ min: Math.max(lo, -1e9), max: Math.min(hi, 1e9) }))
      .map((k) => Number((k * step).toFixed(12)));
  }
  return fc.double({ min, max, noNaN: true, minExcluded: exclusive });
}

/** A value the schema allows (as far as its keywords say). */
function validFrom(raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(raw);
  const base = validBase(schema, depth);
  return schema.nullable === true ? fc.oneof(base, fc.constant(null)) : base;
}

function validBase(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.anyOf !== undefined) return fc.oneof(...schema.anyOf.map((s) => validFrom(s, depth + 1)));
  switch (schema.type) {
    case 'string':
      return stringFrom(schema);
    case 'integer':
      return numberFrom(schema, true);
    case 'number':
      return numberFrom(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = schema.items ?? {};
      return fc.array(depth > 4 ? fc.constant(null) : fuzzed(items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 20),
      });
    }
    case 'object':
      return objectFrom(schema.properties ?? {}, schema.required ?? [], depth);
    default:
      return wrongType;
  }
}

function objectFrom(properties: Record<string, Schema>, required: readonly string[], depth: number): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(
    Object.entries(properties).map(([key, s]) => [key, depth > 4 ? fc.constant(null) : fuzzed(s, depth + 1)]),
  );
  return fc.record(model, { requiredKeys: required.filter((k) => k in model) });
}

/** Mostly valid values, with edges mixed in at every level. */
function fuzzed(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const resolved = resolve(schema);
  const edge =
    resolved.type === 'number' || resolved.type === 'integer' ? fc.oneof(edgeNumber, wrongType) : fc.oneof(edgeString, wrongType);
  // Edges are rarer inside records, so that some whole bodies are valid and reach the database.
  return fc.oneof({ weight: depth === 0 ? 3 : 12, arbitrary: validFrom(resolved, depth) }, { weight: 1, arbitrary: edge });
}

/** A path or query parameter: as sent on the wire, a string. */
function parameterValue(schema: Schema): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: validFrom(schema).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))) },
    { weight: 2, arbitrary: edgeString },
  );
}

// ---- requests ---------------------------------------------------------------------------------

const rawJsonBodies = fc.constantFrom(
  '{',
  '[]',
  'null',
  '"x"',
  '{"__proto__":{"a":1}}',
  '{"constructor":{"prototype":{"a":1}}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '{"a":"\\u0000"}',
  '\u0000',
);

const BOUNDARY = 'fuzz-boundary-7';
function multipartBody(file: Uint8Array, field = 'file'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="f"\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}
const fileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), b])),
  fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), b])),
  fc.array(fc.array(edgeString, { maxLength: 30 }), { maxLength: 20 }).map((rows) => Buffer.from(rows.map((r) => r.join(',')).join('\n'))),
  fc.array(fc.string(), { maxLength: 30 }).map((cells) => Buffer.from(`取水口编码,取水口名称,经度\n${cells.join(',')}\n`)),
);
/** Multipart bodies: well formed with odd files, cut off anywhere, without boundary, or not multipart. */
const multipartRequest: fc.Arbitrary<Pick<InjectOptions, 'payload' | 'headers'>> = fc.oneof(
  fileBytes.map((f) => ({ payload: multipartBody(f), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } })),
  fc.tuple(fileBytes, fc.nat()).map(([f, cut]) => {
    const body = multipartBody(f);
    return { payload: body.subarray(0, cut % (body.length + 1)), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
  }),
  fileBytes.map((f) => ({ payload: multipartBody(f, 'upload'), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } })),
  fileBytes.map((f) => ({ payload: multipartBody(f), headers: { 'content-type': 'multipart/form-data' } })),
  fileBytes.map((f) => ({ payload: multipartBody(f), headers: { 'content-type': `multipart/form-data; boundary=other` } })),
  fileBytes.map((f) => ({ payload: Buffer.from(f), headers: { 'content-type': 'application/octet-stream' } })),
  rawJsonBodies.map((b) => ({ payload: b, headers: { 'content-type': 'application/json' } })),
);

/** The body schema of a PATCH: the create schema of the same records, every field optional. */
function patchBodySchema(path: string): Schema | undefined {
  const create = doc.paths[path.replace(/\/\{id\}$/, '')]?.post?.requestBody?.content['application/json']?.schema;
  return create === undefined ? undefined : { ...resolve(create), required: [] };
}

function requestFor(path: string, method: string, op: Operation): fc.Arbitrary<InjectOptions> {
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const pathArb = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, parameterValue(p.schema)])));
  const queryArb = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, parameterValue(p.schema)])), { requiredKeys: [] });
  const content = op.requestBody?.content;
  let bodyArb: fc.Arbitrary<Pick<InjectOptions, 'payload' | 'headers'>> = fc.constant({});
  if (content?.['multipart/form-data']) bodyArb = multipartRequest;
  else if (content?.['application/json']) {
    const schema = method === 'patch' ? (patchBodySchema(path) ?? content['application/json'].schema) : content['application/json'].schema;
    bodyArb = fc.oneof(
      {
        weight: 5,
        arbitrary: fuzzed(schema).map((b) => ({ payload: JSON.stringify(b), headers: { 'content-type': 'application/json' } })),
      },
      { weight: 1, arbitrary: rawJsonBodies.map((b) => ({ payload: b, headers: { 'content-type': 'application/json' } })) },
    );
  }
  return fc.tuple(pathArb, queryArb, bodyArb).map(([pathValues, query, body]) => {
    const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent((pathValues[name] ?? '').toWellFormed()));
    const search = new URLSearchParams(query as Record<string, string>).toString();
    return { method: method.toUpperCase(), url: search ? `${url}?${search}` : url, ...body };
  });
}

// ---- the property -----------------------------------------------------------------------------

const operations = (): [string, string, Operation][] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, string, Operation] => [path, method, op]),
  );

describe('API fuzzing from the OpenAPI document', () => {
  it('covers every operation the document publishes', () => {
    expect(operations().length).toBeGreaterThanOrEqual(31);
  });

  it('answers no request with a server error', async () => {
    const statuses = new Map<number, number>();
    for (const [path, method, op] of operations()) {
      // Uploads start a worker per file; fewer runs keep the test quick.
      const numRuns = op.requestBody?.content['multipart/form-data'] ? Math.ceil(RUNS / 2) : RUNS;
      // A session of its own per operation: fuzzing POST /v1/auth/logout ends the one it runs in.
      const call = callerOf(app, await signedIn(testDb.db));
      await fc.assert(
        fc.asyncProperty(requestFor(path, method, op), async (request) => {
          const res = await call(request);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode >= 500) throw new Error(`${request.method ?? ''} ${path}: ${res.statusCode} ${res.body.slice(0, 500)}`);
          if (res.statusCode >= 400 && !res.headers['content-type']?.toString().startsWith('application/json')) {
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          }
        }),
        { seed: SEED, numRuns, endOnFailure: true },
      );
    }
    // The requests get past validation too, not only into it: some succeed, some find no record.
    const count = (from: number, to: number) => [...statuses].filter(([s]) => s >= from && s < to).reduce((n, [, c]) => n + c, 0);
    if (process.env.FUZZ_VERBOSE) console.info(Object.fromEntries(statuses));
    expect(count(200, 300)).toBeGreaterThan(0);
    expect(statuses.get(404)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
  });
});
