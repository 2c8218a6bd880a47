/**
 * One map (issue 18): the caller's intakes as a GeoJSON FeatureCollection (RFC 7946), served as
 * application/geo+json so QGIS and Grafana's geomap take it as it is.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { intakeFeatureCollection, intakeMap, intakeMapQuery } from '../../domain/map/index.ts';
import type { Db } from '../../platform/db/database.ts';
import { principalOf } from '../http/auth.ts';
import { problemSchema } from '../http/problem.ts';

export const GEOJSON_TYPE = 'application/geo+json';

export function mapRoutes(app: FastifyInstance, { db }: { db: Db }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/map/intakes', {
    config: { access: { access: 'read' } },
    schema: {
      tags: ['map'],
      summary: 'Your intakes as GeoJSON points ([longitude, latitude], WGS 84) with permit, metering and open-item status',
      querystring: intakeMapQuery,
      response: {
        200: { description: 'GeoJSON FeatureCollection (RFC 7946)', content: { [GEOJSON_TYPE]: { schema: intakeFeatureCollection } } },
        400: problemSchema,
        401: problemSchema,
      },
    },
    handler: async (req, reply) => {
      const { bbox, ...rest } = req.query;
      // The domain parses its query itself: the box goes back as the text it came as.
      const collection = await intakeMap(db, principalOf(req), { ...rest, ...(bbox ? { bbox: bbox.join(',') } : {}) });
      return reply.type(GEOJSON_TYPE).send(collection);
    },
  });
}
