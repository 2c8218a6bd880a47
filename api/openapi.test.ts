/** The published OpenAPI document says what the API sends, so a client generated from it works. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test/database.ts';
import { useSignedInApp } from './testing/app.ts';

const testDb = useTestDatabase();
const api = useSignedInApp(testDb);

interface Media {
  schema?: { $ref?: string; anyOf?: { $ref?: string }[] };
}
interface Operation {
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema: { required?: string[]; properties?: Record<string, { type?: string; format?: string }> } }>;
  };
  responses: Record<string, { content?: Record<string, Media> }>;
}
let doc: { paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  doc = (await api('/docs/json')).json();
});

describe('OpenAPI document', () => {
  it('declares every problem response as application/problem+json, the type it is sent with', async () => {
    const wrong: string[] = [];
    let problems = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const json = response.content?.['application/json']?.schema;
          const refs = [json?.$ref, ...(json?.anyOf ?? []).map((s) => s.$ref)];
          if (refs.includes('#/components/schemas/Problem')) wrong.push(`${method} ${path} ${status}`);
          if (response.content?.['application/problem+json']?.schema?.$ref === '#/components/schemas/Problem') problems++;
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(problems).toBeGreaterThan(30);
    const notFound = await api('/v1/units/1');
    expect(notFound.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('documents the import upload: a multipart body with the file field', () => {
    const op = doc.paths['/v1/registry/imports']?.post;
    const multipart = op?.requestBody?.content['multipart/form-data']?.schema;
    expect(op?.requestBody?.required).toBe(true);
    expect(multipart?.required).toEqual(['file']);
    expect(multipart?.properties?.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(op?.responses['422']?.content).toHaveProperty(
      ['application/json', 'schema', '$ref'],
      '#/components/schemas/RegistryImportReport',
    );
    expect(op?.responses['422']?.content).toHaveProperty(['application/problem+json', 'schema', '$ref'], '#/components/schemas/Problem');
  });
});
