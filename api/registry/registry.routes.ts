/** The registry's routes (a plugin, registered under /v1): records, divisions, replacements, changes, imports. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { intake, intakeInput, meter, meterInput, permit, permitInput, unit, unitInput } from '../../domain/registry/index.ts';
import { changeRoutes } from './changes.routes.ts';
import { confidentialExportRoutes } from './confidential-export.routes.ts';
import { divisionRoutes } from './divisions.routes.ts';
import { importRoutes } from './import.routes.ts';
import { intakeFilter, intakeStore } from '../../domain/registry/index.ts';
import { meterReplacementRoutes } from './meter-replacement.routes.ts';
import { meterFilter, meterStore } from '../../domain/registry/index.ts';
import { permitFilter, permitStore } from '../../domain/registry/index.ts';
import { registerResource } from './resource-routes.ts';
import { unitFilter, unitStore } from '../../domain/registry/index.ts';

export async function registryRoutes(
  app: FastifyInstance,
  { db, config }: { db: Db; config: Pick<Config, 'provinceCode' | 'importDuplicateDistanceM'> },
): Promise<void> {
  divisionRoutes(app, { db });
  registerResource(app, { path: 'units', tag: 'units', store: unitStore(db), input: unitInput, record: unit, filter: unitFilter });
  registerResource(app, {
    path: 'intakes',
    tag: 'intakes',
    store: intakeStore(db),
    input: intakeInput,
    record: intake,
    filter: intakeFilter,
  });
  registerResource(app, {
    path: 'permits',
    tag: 'permits',
    store: permitStore(db),
    input: permitInput,
    record: permit,
    filter: permitFilter,
  });
  registerResource(app, { path: 'meters', tag: 'meters', store: meterStore(db), input: meterInput, record: meter, filter: meterFilter });
  meterReplacementRoutes(app, { db });
  changeRoutes(app, { db });
  confidentialExportRoutes(app, { db });
  await app.register(importRoutes, { db, config });
}
