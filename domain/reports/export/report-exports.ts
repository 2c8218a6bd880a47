/**
 * The monthly progress report and the accounts as downloads (issue 18): the same Chinese-headed
 * tables as Annex 2 and 3, each total row computed from the JSON the API serves.
 */
import type { DivisionAccounts, IntakeAccounts } from '../../accounts/index.ts';
import type { MonthlyReport } from '../monthly-narrative.ts';
import type { Cell, Column, Table } from './tabular.ts';

interface Line {
  item: string;
  value: Cell;
}

/** The monthly report as two columns (项目, 数值): the figures, then the narrative. */
export function monthlyReportExport(r: MonthlyReport): Table<Line> {
  const f = r.figures;
  const lines: Line[] = [
    { item: '月份', value: f.month },
    { item: '行政区划代码', value: f.divisionCode },
    { item: '在册取水口（处）', value: f.intakes.active },
    { item: '有核算数据的取水口（处）', value: f.intakes.accounted },
    { item: '有缺测日的取水口（处）', value: f.intakes.withMissingDays },
    { item: '取水量（立方米）', value: f.withdrawal.volumeM3 },
    { item: '核算日数', value: f.withdrawal.accountedDays },
    { item: '缺测日数', value: f.withdrawal.missingDays },
    { item: '部分缺测日数', value: f.withdrawal.partialDays },
    { item: '数据完整率', value: f.withdrawal.completeness },
    { item: '新发现问题（项）', value: f.ledger.itemsRaised },
    { item: '新发提示（条）', value: f.ledger.noticesRaised },
    { item: '本月销号（项）', value: f.ledger.closed },
    { item: '本月排除（项）', value: f.ledger.dismissed },
    { item: '月末未销号问题（项）', value: f.ledger.openItems },
    { item: '其中逾期（项）', value: f.ledger.overdueItems },
    { item: '工作开展情况', value: r.narrative.workDone },
    { item: '取得成效', value: r.narrative.results },
    { item: '存在困难和问题', value: r.narrative.difficulties },
    { item: '意见建议', value: r.narrative.suggestions },
  ];
  return {
    name: `月度进展 ${f.month}`,
    columns: [
      { header: '项目', value: (l) => l.item, width: 28 },
      { header: '数值', value: (l) => l.value, width: 60 },
    ],
    rows: lines,
  };
}

type Day = IntakeAccounts['days'][number];
type Month = IntakeAccounts['months'][number];

/** An intake's year, by day. */
export function intakeDaysTable(a: IntakeAccounts): Table<Day> {
  const columns: Column<Day>[] = [
    { header: '日期', value: (d) => d.day, width: 12 },
    { header: '取水量（立方米）', value: (d) => d.volumeM3, width: 16 },
    { header: '状态', value: (d) => d.status },
    { header: '数据完整率', value: (d) => d.completeness },
    { header: '日取水限额（立方米）', value: (d) => d.dailyLimitM3, width: 18 },
    { header: '超日限额', value: (d) => (d.overDailyLimit === null ? null : d.overDailyLimit ? '是' : '否') },
  ];
  return { name: '日取水量', columns, rows: a.days, footer: ['合计', a.total.volumeM3, '', '', '', ''] };
}

/** An intake's year, by month, with the year's total against its permit. */
export function intakeMonthsTable(a: IntakeAccounts): Table<Month> {
  const columns: Column<Month>[] = [
    { header: '月份', value: (m) => m.month },
    { header: '取水量（立方米）', value: (m) => m.volumeM3, width: 16 },
    { header: '月计划（立方米）', value: (m) => m.planM3, width: 16 },
    { header: '占计划比例', value: (m) => m.shareOfPlan },
    { header: '核算日数', value: (m) => m.accountedDays },
    { header: '缺测日数', value: (m) => m.missingDays },
    { header: '部分缺测日数', value: (m) => m.partialDays },
  ];
  const t = a.total;
  return {
    name: '月取水量',
    columns,
    rows: a.months,
    footer: ['合计', t.volumeM3, t.annualVolumeM3, t.shareUsed, t.accountedDays, t.missingDays, t.partialDays],
  };
}

type DivisionRow = DivisionAccounts['divisions'][number];
const LEVEL_ZH = { province: '省', city: '市（州）', county: '县（市、区）' } as const;

/** Totals by county and city; the division asked for is the last row, so no footer is added. */
export function divisionAccountsTable(d: DivisionAccounts): Table<DivisionRow> {
  const columns: Column<DivisionRow>[] = [
    { header: '行政区划代码', value: (r) => r.divisionCode, width: 12 },
    { header: '名称', value: (r) => r.name, width: 14 },
    { header: '级别', value: (r) => LEVEL_ZH[r.level] },
    { header: '取水口（处）', value: (r) => r.intakes },
    { header: '取水量（立方米）', value: (r) => r.volumeM3, width: 16 },
    { header: '许可水量（立方米）', value: (r) => r.permittedM3, width: 16 },
    { header: '占许可比例', value: (r) => r.shareUsed },
    { header: '核算日数', value: (r) => r.accountedDays },
    { header: '缺测日数', value: (r) => r.missingDays },
    { header: '部分缺测日数', value: (r) => r.partialDays },
  ];
  return { name: `分区取水量 ${d.period}`, columns, rows: d.divisions };
}
