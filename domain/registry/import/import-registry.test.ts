import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../test/database.ts';
import { applyImportPlan } from './apply.ts';
import { ImportLimitError, UnreadableFileError } from './errors.ts';
import { importRegistry, prepareRegistryImport } from './import-registry.ts';
import { countRows, creditCode, csvFile, row, rowWithoutPermit, xlsxFile, type FixtureRow } from './testing/fixtures.ts';
import type { ImportOptions } from './types.ts';

const testDb = useTestDatabase();

const options = (extra: Partial<ImportOptions> = {}): ImportOptions => ({
  actor: 'test:importer',
  provinceCode: '220000',
  duplicateDistanceM: 100,
  ...extra,
});

let fixtureCounter = 0;
/** Codes, numbers, a credit code and a place of their own, so tests sharing the database stay apart. */
function fresh(): { id: (n: number) => string; permit: (n: number) => string; credit: string; lon: number; unitName: string } {
  const n = ++fixtureCounter;
  return {
    id: (i) => `T${n}-${i}`,
    permit: (i) => `P${n}-${i}`,
    credit: creditCode(`91220102MA${String(n).padStart(7, '0')}`),
    lon: 124 + n * 0.1,
    unitName: `测试单位${n}`,
  };
}

/** Rows of one organisation, each about 1.1 km from the previous one. */
function unitRows(f: ReturnType<typeof fresh>, count: number, overrides: (i: number) => FixtureRow = () => ({})): FixtureRow[] {
  return Array.from({ length: count }, (_, i) =>
    row({
      code: f.id(i + 1),
      permitNumber: f.permit(i + 1),
      creditCode: f.credit,
      unitName: f.unitName,
      longitude: f.lon,
      latitude: 43 + i * 0.01,
      ...overrides(i + 1),
    }),
  );
}

describe('importRegistry', () => {
  it('imports a good CSV: units, intakes and permits, each change recorded with the actor', async () => {
    const f = fresh();
    const person = `农户${f.unitName}`;
    const file = csvFile([
      ...unitRows(f, 2),
      rowWithoutPermit({
        code: f.id(3),
        unitName: person,
        unitKind: '个人',
        creditCode: '',
        contactPerson: '',
        contactPhone: '',
        longitude: f.lon,
        latitude: 44,
        sourceType: '地下水',
        sourceName: '',
        waterUse: '农业',
        intakeKind: '机井',
        wellDiameterMm: 250,
        permitExempt: '是',
      }),
    ]);
    const before = await countRows(testDb.db);
    const result = await importRegistry(testDb.db, file, options({ actor: 'test:alice' }));

    expect(result).toMatchObject({ status: 'imported', format: 'csv', rows: 3, errors: [], suspectedDuplicates: [], outOfScope: [] });
    expect(result.created).toEqual({ units: 2, intakes: 3, permits: 2 });
    const after = await countRows(testDb.db);
    expect(after.withdrawal_units - before.withdrawal_units).toBe(2);
    expect(after.intakes - before.intakes).toBe(3);
    expect(after.permits - before.permits).toBe(2);

    const intakes = await testDb.db
      .selectFrom('intakes')
      .innerJoin('withdrawal_units as u', 'u.id', 'intakes.unit_id')
      .select(['intakes.id', 'intakes.code', 'intakes.well_diameter_mm', 'intakes.permit_exempt', 'u.name as unitName', 'u.credit_code'])
      .where('intakes.code', 'in', [f.id(1), f.id(2), f.id(3)])
      .orderBy('intakes.code')
      .execute();
    expect(intakes.map((i) => [i.code, i.unitName, i.credit_code])).toEqual([
      [f.id(1), f.unitName, f.credit],
      [f.id(2), f.unitName, f.credit],
      [f.id(3), person, null],
    ]);
    expect(intakes[2]).toMatchObject({ well_diameter_mm: 250, permit_exempt: true });
    const permit = await testDb.db.selectFrom('permits').selectAll().where('permit_number', '=', f.permit(1)).executeTakeFirstOrThrow();
    expect(permit).toMatchObject({
      issuing_level: 'city',
      valid_from: '2024-01-01',
      valid_to: '2028-12-31',
      annual_volume_m3: '500000.00',
    });

    const changes = await testDb.db
      .selectFrom('registry_changes')
      .select(['table_name', 'action', 'actor'])
      .where('actor', '=', 'test:alice')
      .execute();
    expect(
      changes
        .filter((c) => c.action === 'insert')
        .map((c) => c.table_name)
        .sort(),
    ).toEqual(['intakes', 'intakes', 'intakes', 'permits', 'permits', 'withdrawal_units', 'withdrawal_units']);
    expect(after.registry_changes - before.registry_changes).toBe(7);
  });

  it('imports a good XLSX whose cells are numbers, dates, rich text and formulas', async () => {
    const f = fresh();
    const file = await xlsxFile(unitRows(f, 2), (key, value) => {
      if (key === 'countyCode') return Number(value); // typed into Excel as a number
      if (key === 'validFrom') return new Date(Date.UTC(2025, 2, 1));
      if (key === 'validTo') return 46_752; // an Excel date serial that lost its format: 2027-12-31
      if (key === 'name') return { richText: [{ text: '富文本' }, { text: String(value) }] };
      if (key === 'annualVolumeM3') return { formula: '1000*250', result: 250_000 };
      if (key === 'unitKind') return 'organisation'; // the English value works too
      return value ?? null;
    });
    const result = await importRegistry(testDb.db, file, options());

    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ status: 'imported', format: 'xlsx', rows: 2, created: { units: 1, intakes: 2, permits: 2 } });
    const stored = await testDb.db
      .selectFrom('intakes')
      .innerJoin('permits', 'permits.intake_id', 'intakes.id')
      .select(['intakes.name', 'intakes.county_code', 'permits.valid_from', 'permits.valid_to', 'permits.annual_volume_m3'])
      .where('intakes.code', '=', f.id(1))
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      name: '富文本伊通河一号泵站',
      county_code: '220102',
      valid_from: '2025-03-01',
      valid_to: '2027-12-31',
      annual_volume_m3: '250000.00',
    });
  });

  it('reports every error of every row with row, column and reason, and writes nothing', async () => {
    const f = fresh();
    const rows = unitRows(f, 5, (i) => {
      switch (i) {
        case 1:
          return { longitude: 'abc', sourceType: '海水' };
        case 2:
          return { unitName: '另一家公司', creditCode: '', confidential: '也许' };
        case 3:
          return { issuingLevel: '', validFrom: '2024-05-01', validTo: '2024-04-30' };
        case 4:
          return { intakeKind: '机井', countyCode: '220100' };
        default:
          return { creditCode: `${f.credit.slice(0, 17)}${f.credit.endsWith('0') ? '1' : '0'}`, validFrom: '2024-02-30' };
      }
    });
    const before = await countRows(testDb.db);
    const result = await importRegistry(testDb.db, csvFile(rows), options());

    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([
      { row: 2, column: '经度', reason: 'expected a number, got "abc"' },
      {
        row: 2,
        column: '水源类型',
        reason: expect.stringMatching(/^unknown value "海水"; expected one of: 河流 \(river\), 湖泊 \(lake\)/) as unknown,
      },
      { row: 3, column: '统一社会信用代码', reason: 'required for an organisation' },
      { row: 3, column: '涉密', reason: 'expected 是 or 否 (also true/false, 1/0, Y/N), got "也许"' },
      { row: 4, column: '发证机关级别', reason: 'required with a permit (取水许可证编号 is filled); the cell is empty' },
      { row: 4, column: '许可有效期止', reason: 'must not be before validFrom' },
      { row: 5, column: '机井管径(mm)', reason: 'required exactly when intakeKind is well' },
      { row: 5, column: '所在县级行政区代码', reason: '220100 (长春市) is a city, not a county' },
      { row: 6, column: '统一社会信用代码', reason: expect.stringContaining('not a valid unified social credit code') as unknown },
      { row: 6, column: '许可有效期起', reason: 'expected a date as YYYY-MM-DD or YYYY/M/D, got "2024-02-30"' },
    ]);
    expect(result.created).toEqual({ units: 0, intakes: 0, permits: 0 });
    expect(await countRows(testDb.db)).toEqual(before);
  });

  it('refuses an intake code repeated in the file, naming the first row', async () => {
    const f = fresh();
    const rows = unitRows(f, 3, (i) => (i === 3 ? { code: f.id(1) } : {}));
    const result = await importRegistry(testDb.db, csvFile(rows), options());
    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([{ row: 4, column: '取水口编码', reason: `duplicate: intake code ${f.id(1)} is also on row 2` }]);
  });

  it('refuses intake codes and permit numbers already registered', async () => {
    const f = fresh();
    const first = await importRegistry(testDb.db, csvFile(unitRows(f, 1)), options());
    expect(first.status).toBe('imported');
    const registered = await testDb.db.selectFrom('intakes').select('id').where('code', '=', f.id(1)).executeTakeFirstOrThrow();
    const permit = await testDb.db.selectFrom('permits').select('id').where('permit_number', '=', f.permit(1)).executeTakeFirstOrThrow();

    // Row 2 repeats the registered code and permit number; row 3 repeats the permit number too.
    const rows = [
      row({ code: f.id(1), permitNumber: f.permit(1), creditCode: f.credit, unitName: f.unitName, longitude: f.lon, latitude: 43.5 }),
      row({ code: f.id(9), permitNumber: f.permit(1), creditCode: f.credit, unitName: f.unitName, longitude: f.lon, latitude: 44.9 }),
    ];
    const result = await importRegistry(testDb.db, csvFile(rows), options());
    expect(result.status).toBe('rejected');
    expect(result.errors).toEqual([
      { row: 2, column: '取水口编码', reason: `duplicate: intake code ${f.id(1)} already registered as intake id ${registered.id}` },
      {
        row: 2,
        column: '取水许可证编号',
        reason: `duplicate: permit number ${f.permit(1)} already registered as permit id ${permit.id} (intake id ${registered.id})`,
      },
      { row: 3, column: '取水许可证编号', reason: `duplicate: permit number ${f.permit(1)} is also on row 2` },
      {
        row: 3,
        column: '取水许可证编号',
        reason: `duplicate: permit number ${f.permit(1)} already registered as permit id ${permit.id} (intake id ${registered.id})`,
      },
    ]);
  });

  it('reuses a registered unit with the same credit code, and refuses one whose name differs', async () => {
    const f = fresh();
    await importRegistry(testDb.db, csvFile(unitRows(f, 1)), options());
    const unitsBefore = (await countRows(testDb.db)).withdrawal_units;

    const more = await importRegistry(testDb.db, csvFile([unitRows(f, 2)[1] ?? {}]), options());
    expect(more).toMatchObject({ status: 'imported', reusedUnits: 1, created: { units: 0, intakes: 1, permits: 1 } });
    expect((await countRows(testDb.db)).withdrawal_units).toBe(unitsBefore);

    const renamed = await importRegistry(testDb.db, csvFile(unitRows(f, 3, () => ({ unitName: '改名后的公司' })).slice(2)), options());
    expect(renamed.status).toBe('rejected');
    expect(renamed.errors).toEqual([
      {
        row: 2,
        column: '取水单位名称',
        reason: expect.stringMatching(
          new RegExp(`^credit code ${f.credit} is registered to unit "${f.unitName}" \\(unit id \\d+\\); the name must match$`),
        ) as unknown,
      },
    ]);
  });

  it('reuses a registered person (no credit code) with the same name in the same county', async () => {
    const f = fresh();
    const person = (i: number, latitude: number): FixtureRow =>
      rowWithoutPermit({ code: f.id(i), unitName: `个人${f.unitName}`, unitKind: '个人', creditCode: '', longitude: f.lon, latitude });
    const first = await importRegistry(testDb.db, csvFile([person(1, 43)]), options());
    expect(first).toMatchObject({ status: 'imported', created: { units: 1 } });
    const second = await importRegistry(testDb.db, csvFile([person(2, 44)]), options());
    expect(second).toMatchObject({ status: 'imported', reusedUnits: 1, created: { units: 0, intakes: 1 } });
    const unitIds = await testDb.db
      .selectFrom('intakes')
      .select('unit_id')
      .where('code', 'in', [f.id(1), f.id(2)])
      .execute();
    expect(new Set(unitIds.map((u) => u.unit_id)).size).toBe(1);
  });

  it('refuses rows of one unit whose unit cells contradict each other', async () => {
    const f = fresh();
    const rows = unitRows(f, 3, (i) =>
      i === 2 ? { contactPhone: '13900000000' } : i === 3 ? { unitKind: '个人', contactPerson: '' } : {},
    );
    const result = await importRegistry(testDb.db, csvFile(rows), options());
    expect(result.errors).toEqual([
      { row: 3, column: '联系电话', reason: `same unit (credit code ${f.credit}) as row 2, which says "0431-88888888", not "13900000000"` },
      { row: 4, column: '取水单位类型', reason: `same unit (credit code ${f.credit}) as row 2, which says "organisation", not "person"` },
    ]);
  });

  it('holds back suspected duplicates of the same unit unless they are accepted', async () => {
    const f = fresh();
    // Row 3 is about 33 m north of row 2: same unit, so probably the same works.
    const rows = unitRows(f, 2, (i) => (i === 2 ? { latitude: 43.0003 } : {}));
    const before = await countRows(testDb.db);
    const held = await importRegistry(testDb.db, csvFile(rows), options());
    expect(held).toMatchObject({ status: 'rejected', errors: [] });
    expect(held.suspectedDuplicates).toEqual([{ row: 3, otherRow: 2, distanceM: expect.closeTo(33.4, 0) as unknown }]);
    expect(await countRows(testDb.db)).toEqual(before);

    const accepted = await importRegistry(testDb.db, csvFile(rows), options({ acceptSuspectedDuplicates: true }));
    expect(accepted.status).toBe('imported');
    expect(accepted.suspectedDuplicates).toHaveLength(1);
    expect(accepted.created.intakes).toBe(2);

    // Against the registry: a new code about 44 m south of the unit's registered intake at row 2's place.
    const near = unitRows(f, 3, (i) => (i === 3 ? { latitude: 42.9996 } : {})).slice(2);
    const registered = await testDb.db.selectFrom('intakes').select('id').where('code', '=', f.id(1)).executeTakeFirstOrThrow();
    const third = await importRegistry(testDb.db, csvFile(near), options());
    expect(third.status).toBe('rejected');
    expect(third.suspectedDuplicates).toEqual([
      { row: 2, existingIntakeId: registered.id, existingIntakeCode: f.id(1), distanceM: expect.closeTo(44.5, 0) as unknown },
    ]);
  });

  it('does not flag rows of different units at the same place', async () => {
    const f = fresh();
    const g = fresh();
    const rows = [...unitRows(f, 1), ...unitRows(g, 1, () => ({ longitude: f.lon }))];
    const result = await importRegistry(testDb.db, csvFile(rows), options());
    expect(result.suspectedDuplicates).toEqual([]);
    expect(result.status).toBe('imported');
  });

  it('reports an out-of-scope irrigation well and imports the rest', async () => {
    const f = fresh();
    const rows = [
      ...unitRows(f, 1),
      rowWithoutPermit({
        code: f.id(2),
        unitName: `农户${f.unitName}`,
        unitKind: '个人',
        creditCode: '',
        longitude: f.lon,
        latitude: 44.5,
        sourceType: '地下水',
        waterUse: '农业',
        intakeKind: '机井',
        wellDiameterMm: 150,
      }),
    ];
    const result = await importRegistry(testDb.db, csvFile(rows), options());
    expect(result).toMatchObject({ status: 'imported', errors: [], created: { units: 1, intakes: 1, permits: 1 } });
    expect(result.outOfScope).toEqual([{ row: 3, code: f.id(2), reason: expect.stringContaining('150 mm, under 200 mm') as unknown }]);
    const stored = await testDb.db
      .selectFrom('intakes')
      .select('code')
      .where('code', 'in', [f.id(1), f.id(2)])
      .execute();
    expect(stored.map((s) => s.code)).toEqual([f.id(1)]);
  });

  it('accepts English headers in any case, with spaces or underscores', async () => {
    const f = fresh();
    const keys = [
      'code',
      'name',
      'countyCode',
      'unitName',
      'unitKind',
      'creditCode',
      'longitude',
      'latitude',
      'sourceType',
      'waterUse',
      'intakeKind',
    ] as const;
    const headers = [
      'CODE',
      'Name',
      'county_code',
      'Unit Name',
      'unitkind',
      'Credit_Code',
      'longitude',
      'LATITUDE',
      'source type',
      'water_use',
      'IntakeKind',
    ];
    const rows = unitRows(f, 1, () => ({ sourceType: 'river', waterUse: 'INDUSTRIAL', intakeKind: 'pump_station' }));
    const result = await importRegistry(testDb.db, csvFile(rows, headers, keys), options());
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ status: 'imported', created: { units: 1, intakes: 1, permits: 0 } });
    const stored = await testDb.db
      .selectFrom('intakes')
      .select(['water_use', 'source_type'])
      .where('code', '=', f.id(1))
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ water_use: 'industrial', source_type: 'river' });
  });

  it('refuses an unknown header, listing the accepted ones', async () => {
    const f = fresh();
    const keys = [
      'code',
      'name',
      'countyCode',
      'unitName',
      'unitKind',
      'creditCode',
      'longitude',
      'latitude',
      'sourceType',
      'waterUse',
      'intakeKind',
      'sourceName',
    ] as const;
    const headers = [
      '取水口编码',
      '取水口名称',
      '所在县级行政区代码',
      '取水单位名称',
      '取水单位类型',
      '统一社会信用代码',
      '经度',
      '纬度',
      '水源类型',
      '取水用途',
      '取水方式',
      '水源明称',
    ];
    const result = await importRegistry(testDb.db, csvFile(unitRows(f, 1), headers, keys), options());
    expect(result.status).toBe('rejected');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ row: 1, column: '水源明称' });
    expect(result.errors[0]?.reason).toMatch(
      /^unknown column; accepted columns: 取水口编码 \(code\), 取水口名称 \(name\), .*水源名称 \(sourceName\)/,
    );
  });

  it('reports each missing required header once, on row 1', async () => {
    const f = fresh();
    const keys = ['code', 'name', 'unitName', 'unitKind', 'creditCode', 'sourceType', 'waterUse', 'intakeKind'] as const;
    const headers = ['取水口编码', '取水口名称', '取水单位名称', '取水单位类型', '统一社会信用代码', '水源类型', '取水用途', '取水方式'];
    const result = await importRegistry(testDb.db, csvFile(unitRows(f, 3), headers, keys), options());
    expect(result.errors).toEqual([
      { row: 1, column: '所在县级行政区代码', reason: 'required column is missing (English header: countyCode)' },
      { row: 1, column: '经度', reason: 'required column is missing (English header: longitude)' },
      { row: 1, column: '纬度', reason: 'required column is missing (English header: latitude)' },
    ]);
  });

  it('refuses counties outside the configured province', async () => {
    const f = fresh();
    const result = await importRegistry(testDb.db, csvFile(unitRows(f, 1)), options({ provinceCode: '210000' }));
    expect(result.errors).toEqual([{ row: 2, column: '所在县级行政区代码', reason: 'county 220102 (南关区) is not in province 210000' }]);
    const unknown = await importRegistry(testDb.db, csvFile(unitRows(f, 1, () => ({ countyCode: '110101' }))), options());
    expect(unknown.errors).toEqual([{ row: 2, column: '所在县级行政区代码', reason: 'unknown division code 110101' }]);
  });

  it('refuses text that is not UTF-8 (GB18030) and garbage bytes with an UnreadableFileError', async () => {
    // "取水口编码,..." encoded in GB18030, as a Chinese Excel saves "CSV (逗号分隔)".
    const gb18030 = Buffer.from([0xc8, 0xa1, 0xcb, 0xae, 0xbf, 0xda, 0xb1, 0xe0, 0xc2, 0xeb, 0x2c, 0x0d, 0x0a]);
    expect(new TextDecoder('gb18030').decode(gb18030)).toBe('取水口编码,\r\n');
    const read = (bytes: Uint8Array) => importRegistry(testDb.db, bytes, options());

    await expect(read(gb18030)).rejects.toMatchObject({ name: 'UnreadableFileError', reason: 'not_utf8' });
    await expect(read(gb18030)).rejects.toThrow(/not valid UTF-8 \(first bad byte on line 1\)/);

    let seed = 7;
    const garbage = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256));
    await expect(read(garbage)).rejects.toBeInstanceOf(UnreadableFileError);
    await expect(read(Buffer.from('PK\x03\x04 not really a zip'))).rejects.toMatchObject({ reason: 'bad_xlsx' });
    await expect(read(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).rejects.toMatchObject({ reason: 'legacy_xls' });
    await expect(read(Buffer.alloc(0))).rejects.toMatchObject({ reason: 'empty' });
    await expect(read(Buffer.from('\n\n'))).rejects.toMatchObject({ reason: 'no_header' });
    await expect(read(Buffer.from('a,"b\n1,2'))).rejects.toMatchObject({ reason: 'csv_syntax' });
  });

  it('rejects a file with a header row and no data rows', async () => {
    const result = await importRegistry(testDb.db, csvFile([]), options());
    expect(result).toMatchObject({
      status: 'rejected',
      rows: 0,
      errors: [{ row: null, column: null, reason: 'the file has a header row but no data rows' }],
    });
  });

  it('refuses files over the size and row limits', async () => {
    const f = fresh();
    const file = csvFile(unitRows(f, 3));
    await expect(importRegistry(testDb.db, file, options({ limits: { maxFileBytes: 100 } }))).rejects.toBeInstanceOf(ImportLimitError);
    await expect(importRegistry(testDb.db, file, options({ limits: { maxRows: 2 } }))).rejects.toMatchObject({ limit: 'rows', max: 2 });
    const xlsx = await xlsxFile(unitRows(f, 3));
    await expect(importRegistry(testDb.db, xlsx, options({ limits: { maxRows: 2 } }))).rejects.toMatchObject({ limit: 'rows', max: 2 });
  });

  it('writes nothing on a dry run and says what it would create', async () => {
    const f = fresh();
    const before = await countRows(testDb.db);
    const result = await importRegistry(testDb.db, csvFile(unitRows(f, 2)), options({ dryRun: true }));
    expect(result).toMatchObject({
      status: 'validated',
      errors: [],
      planned: { units: 1, intakes: 2, permits: 2 },
      created: { units: 0, intakes: 0, permits: 0 },
    });
    expect(await countRows(testDb.db)).toEqual(before);
  });

  it('rolls everything back when the database refuses a row registered meanwhile', async () => {
    const f = fresh();
    const { result, plan } = await prepareRegistryImport(testDb.db, csvFile(unitRows(f, 3)), options());
    expect(result.status).toBe('validated');
    if (plan === null) throw new Error('expected a plan');

    // Someone registers the third row's code between the checks and the write.
    const other = await importRegistry(testDb.db, csvFile(unitRows(fresh(), 1, () => ({ code: f.id(3) }))), options());
    expect(other.status).toBe('imported');
    const before = await countRows(testDb.db);

    const outcome = await applyImportPlan(testDb.db, plan, 'test:importer');
    expect(outcome).toEqual({
      ok: false,
      errors: [
        {
          row: 4,
          column: '取水口编码',
          reason: `duplicate: intake code ${f.id(3)} was registered by another change while the import ran; nothing was imported`,
        },
      ],
    });
    expect(await countRows(testDb.db)).toEqual(before);
  });
});
