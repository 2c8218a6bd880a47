/**
 * The campaign tables as downloads: columns with the plan's Chinese headers, and a totals row
 * (合计) computed from the same JSON the API serves, so the file and the JSON agree.
 */
import { intakeKind, sourceType, waterUse } from '../../registry/index.ts';
import { LEDGER_STATUS_ZH, type RectificationRow, type RectificationTable, type RegistrationSummary } from '../campaign-tables.ts';
import { METERING_STATUS_ZH, METERING_STATUSES, PERMIT_STATUS_ZH, PERMIT_STATUSES } from '../intake-status.ts';
import type { Column, Table } from './tabular.ts';

type SummaryRow = RegistrationSummary['rows'][number];
type Counts = Omit<SummaryRow, 'countyCode' | 'countyName' | 'cityCode' | 'cityName'>;

function countColumns(): { header: string; value: (c: Counts) => number }[] {
  return [
    { header: '取水口总数', value: (c) => c.intakes },
    ...sourceType.values.map((k) => ({ header: `水源类型-${sourceType.labels[k]}`, value: (c: Counts) => c.bySource[k] ?? 0 })),
    ...waterUse.values.map((k) => ({ header: `取水用途-${waterUse.labels[k]}`, value: (c: Counts) => c.byWaterUse[k] ?? 0 })),
    ...intakeKind.values.map((k) => ({ header: `取水口类型-${intakeKind.labels[k]}`, value: (c: Counts) => c.byKind[k] ?? 0 })),
    ...PERMIT_STATUSES.map((k) => ({ header: `取水许可-${PERMIT_STATUS_ZH[k]}`, value: (c: Counts) => c.byPermit[k] ?? 0 })),
    ...METERING_STATUSES.map((k) => ({ header: `计量状况-${METERING_STATUS_ZH[k]}`, value: (c: Counts) => c.byMetering[k] ?? 0 })),
  ];
}

/** Annex 2 as a table: one row per county, then 合计. */
export function registrationSummaryTable(s: RegistrationSummary): Table<SummaryRow> {
  const counts = countColumns();
  const columns: Column<SummaryRow>[] = [
    { header: '市（州）', value: (r) => r.cityName, width: 14 },
    { header: '县（市、区）', value: (r) => r.countyName, width: 14 },
    { header: '行政区划代码', value: (r) => r.countyCode, width: 12 },
    ...counts.map((c) => ({ header: c.header, value: (r: SummaryRow) => c.value(r) })),
  ];
  return { name: '附件2 取水口登记汇总表', columns, rows: s.rows, footer: ['合计', '', '', ...counts.map((c) => c.value(s.totals))] };
}

/** Annex 3 as a table: one row per item, then 合计 with the count of items. */
export function rectificationTableExport(t: RectificationTable): Table<RectificationRow> {
  const columns: Column<RectificationRow>[] = [
    { header: '序号', value: (r) => r.seq, width: 6 },
    { header: '县（市、区）', value: (r) => r.countyName, width: 12 },
    { header: '取水口编码', value: (r) => r.intakeCode, width: 16 },
    { header: '取水口名称', value: (r) => r.intakeName, width: 20 },
    { header: '存在问题', value: (r) => r.problem, width: 40 },
    { header: '整改措施', value: (r) => r.measures, width: 30 },
    { header: '责任单位', value: (r) => r.responsibleUnit, width: 16 },
    { header: '责任人', value: (r) => r.responsiblePerson, width: 10 },
    { header: '整改时限', value: (r) => r.deadline, width: 12 },
    { header: '整改状态', value: (r) => LEDGER_STATUS_ZH[r.status], width: 12 },
    { header: '销号日期', value: (r) => r.closedOn, width: 12 },
    { header: '台账编号', value: (r) => r.itemId, width: 10 },
  ];
  return {
    name: '附件3 问题整改台账',
    columns,
    rows: t.rows,
    footer: ['合计', `${t.totals.items} 项`, ...Array<string>(columns.length - 2).fill('')],
  };
}
