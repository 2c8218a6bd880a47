/**
 * One map (the plan's first "one"): the intakes of the caller's division as a GeoJSON
 * FeatureCollection (RFC 7946): Point geometry [longitude, latitude] in WGS 84 from the registered
 * coordinates, with permit, metering and open-item status in the properties, so QGIS and
 * Grafana's geomap open it as it is. Confidential intakes only for callers with the clearance.
 */
import { z } from 'zod';
import type { Db } from '../../platform/db/database.ts';
import type { Principal } from '../access/index.ts';
import { divisionCode } from '../registry/index.ts';
import { intakeMeteringStatus, intakePermitStatus, intakeStandings } from '../reports/index.ts';

const bboxText = z
  .string()
  .transform((v, ctx) => {
    const parts = v.split(',').map(Number);
    const [w, s, e, n] = parts;
    if (
      parts.length !== 4 ||
      w === undefined ||
      s === undefined ||
      e === undefined ||
      n === undefined ||
      parts.some((x) => !Number.isFinite(x))
    ) {
      ctx.addIssue({ code: 'custom', message: 'expected west,south,east,north in degrees' });
      return z.NEVER;
    }
    if (w < -180 || e > 180 || s < -90 || n > 90 || w > e || s > n) {
      ctx.addIssue({ code: 'custom', message: 'expected -180 <= west <= east <= 180 and -90 <= south <= north <= 90' });
      return z.NEVER;
    }
    return [w, s, e, n] as const;
  })
  .describe('Bounding box west,south,east,north (WGS 84 degrees), e.g. 125.0,43.5,125.6,44.0');

export const intakeMapQuery = z
  .object({
    division: divisionCode.optional().describe("A division inside the caller's"),
    bbox: bboxText.optional(),
    permit: intakePermitStatus.optional(),
    metering: intakeMeteringStatus.optional(),
    openItems: z
      .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
      .optional()
      .describe('true: only intakes with open rectification items; false: only those without'),
  })
  .meta({ examples: [{ bbox: '125.0,43.5,125.6,44.0', metering: 'none' }] });
export type IntakeMapQuery = z.input<typeof intakeMapQuery>;

export const intakeFeature = z.object({
  type: z.literal('Feature'),
  id: z.string(),
  geometry: z.object({
    type: z.literal('Point'),
    coordinates: z.tuple([z.number(), z.number()]).describe('[longitude, latitude], WGS 84'),
  }),
  properties: z.object({
    code: z.string(),
    name: z.string(),
    countyCode: z.string(),
    sourceType: z.string(),
    waterUse: z.string(),
    intakeKind: z.string(),
    status: z.string(),
    permitStatus: intakePermitStatus,
    permitNumber: z.string().nullable(),
    meteringStatus: intakeMeteringStatus,
    openItems: z.number().int(),
    overdueItems: z.number().int(),
  }),
});

export const intakeFeatureCollection = z
  .object({
    type: z.literal('FeatureCollection'),
    bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).optional().describe('The extent of the features (RFC 7946, section 5)'),
    features: z.array(intakeFeature),
  })
  .describe('GeoJSON FeatureCollection (RFC 7946) of intakes; media type application/geo+json');
export type IntakeFeatureCollection = z.infer<typeof intakeFeatureCollection>;

/** The map of the principal's intakes matching `query`. Throws a ZodError for a bad query. */
export async function intakeMap(
  db: Db,
  p: Principal,
  query: IntakeMapQuery = {},
  o: { asOf?: string } = {},
): Promise<IntakeFeatureCollection> {
  const q = intakeMapQuery.parse(query);
  const standings = await intakeStandings(db, p, {
    ...(q.division ? { division: q.division } : {}),
    ...(q.bbox ? { bbox: q.bbox } : {}),
    ...(o.asOf ? { asOf: o.asOf } : {}),
  });
  const features = standings
    .filter(
      (s) =>
        (q.permit === undefined || s.permitStatus === q.permit) &&
        (q.metering === undefined || s.meteringStatus === q.metering) &&
        (q.openItems === undefined || s.openItems > 0 === q.openItems),
    )
    .map((s) => ({
      type: 'Feature' as const,
      id: s.code,
      geometry: { type: 'Point' as const, coordinates: [s.longitude, s.latitude] as [number, number] },
      properties: {
        code: s.code,
        name: s.name,
        countyCode: s.countyCode,
        sourceType: s.sourceType,
        waterUse: s.waterUse,
        intakeKind: s.intakeKind,
        status: s.status,
        permitStatus: s.permitStatus,
        permitNumber: s.permitNumber,
        meteringStatus: s.meteringStatus,
        openItems: s.openItems,
        overdueItems: s.overdueItems,
      },
    }));
  if (features.length === 0) return { type: 'FeatureCollection', features };
  const lons = features.map((f) => f.geometry.coordinates[0]);
  const lats = features.map((f) => f.geometry.coordinates[1]);
  return { type: 'FeatureCollection', bbox: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], features };
}
