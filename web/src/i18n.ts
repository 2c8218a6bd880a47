/**
 * The page's words in Chinese (the default: staff read Chinese) and English. Every key exists in
 * both: `en` is typed by `zh`. The choice is kept in localStorage.
 */
import { LOCAL_TIME_ZONE } from '../../platform/local-time.ts';

const zh = {
  appName: '取水口监测 · 整改台账',
  signIn: '登录',
  signOut: '退出',
  username: '用户名',
  password: '密码',
  signInHint: '演示账号与密码在 npm start 启动时打印一次（demo-county：县级人员；demo-admin：省级管理员）。',
  signInFailed: '登录失败',
  navQueue: '整改队列',
  navMap: '地图',
  navSubmissions: '逐级报送',
  language: 'English',
  loading: '加载中…',
  error: '出错了',
  retry: '重试',
  none: '无',
  all: '全部',
  more: '加载更多',
  // queue
  countsTitle: '各状态数量',
  overdue: '逾期',
  escalated: '已升级',
  urgent: '逾期与升级（优先处理）',
  others: '其他条目',
  filters: '筛选',
  filterStatus: '状态',
  filterRule: '规则',
  filterKind: '类型',
  filterDivision: '行政区划代码',
  filterSearch: '搜索（编号、名称、摘要）',
  filterOverdue: '仅逾期',
  filterEscalated: '仅已升级',
  clear: '清除筛选',
  kindItem: '整改事项',
  kindNotice: '提示',
  colId: '编号',
  colStatus: '状态',
  colRule: '规则',
  colIntake: '取水口',
  colSummary: '摘要',
  colRaised: '发现时间',
  colDeadline: '整改时限',
  emptyQueue: '没有符合条件的条目',
  // item
  back: '返回队列',
  evidence: '证据',
  intake: '取水口',
  county: '县级区划',
  permits: '取水许可',
  permitNumber: '许可证号',
  annualVolume: '年许可水量 (m³)',
  dailyLimit: '日限额 (m³)',
  maxRate: '最大流量 (m³/h)',
  validity: '有效期',
  chartDaily: '日取水量与日限额 (m³)',
  chartFlow: '瞬时流量与许可最大流量 (m³/h)',
  chartTotal: '累计读数 (m³)',
  dailyVolume: '日取水量',
  flow: '流量',
  readingsNone: '该时段内没有读数',
  downsampled: '读数较多，已按时间段汇总',
  window: '问题时段',
  detections: '检出次数',
  history: '处理记录',
  nextStep: '下一步',
  yourActions: '你可以办理',
  noActions: '你在此条目上没有可办理的操作',
  attachments: '附件',
  note: '备注',
  reason: '排除理由',
  measures: '整改措施',
  responsibleUnit: '责任单位',
  responsiblePerson: '责任人',
  deadline: '整改时限',
  rectificationEvidence: '整改证明',
  files: '附件（JPEG、PNG、PDF，每个不超过 20 MB）',
  submit: '提交',
  done: '已办理',
  conflict: '条目已被他人更新，已重新加载，请核对后再办理',
  notFound: '条目不存在，或不在你的管辖范围内',
  actor: '办理人',
  // actions
  action_confirm: '确认问题',
  action_dismiss: '排除（非问题）',
  action_startRectifying: '开始整改',
  action_markRectified: '标记已整改',
  action_close: '核查销号',
  action_reopen: '重新打开',
  // statuses
  status_raised: '待确认',
  status_confirmed: '已确认',
  status_dismissed: '已排除',
  status_rectifying: '整改中',
  status_rectified: '已整改待核查',
  status_closed: '已销号',
  status_resolved: '已自动解除',
  // next steps by status
  next_raised: '县级人员确认问题或排除',
  next_confirmed: '县级人员制定整改措施、开始整改',
  next_rectifying: '县级人员完成整改后标记已整改',
  next_rectified: '上级（市级或省级）核查后销号，或重新打开',
  next_closed: '已办结',
  next_dismissed: '已办结（可重新打开）',
  next_resolved: '已办结',
  // events
  event_raised: '系统发现',
  event_updated: '系统更新',
  event_cleared: '问题消失',
  event_recurred: '问题复现',
  event_confirmed: '确认',
  event_dismissed: '排除',
  event_rectifying: '开始整改',
  event_rectified: '已整改',
  event_closed: '销号',
  event_resolved: '自动解除',
  event_reopened: '重新打开',
  event_overdue: '逾期',
  event_escalated: '升级',
  // map
  mapTitle: '辖区取水口',
  mapNoTiles: '未配置底图（APP_TILE_URL）：仅显示取水口位置',
  legendOverdue: '有逾期条目',
  legendOpen: '有未办结条目',
  legendNoMetering: '无在线计量',
  legendOk: '正常',
  openItems: '未办结条目',
  viewItems: '查看条目',
  intakesShown: '个取水口',
  // submissions
  submissionsTitle: '逐级报送',
  toMake: '本级应报送',
  toReview: '待本级审核',
  submissionKind: '报送内容',
  kind_ledger: '整改台账',
  kind_registration: '登记汇总',
  kind_monthly: '月度报告',
  period: '期间',
  dueOn: '截止日期',
  state: '状态',
  state_on_time: '按时报送',
  state_late: '逾期报送',
  state_missing: '未报送（已过期）',
  state_not_yet_due: '未报送（未到期）',
  subStatus_submitted: '待审核',
  subStatus_accepted: '已通过',
  subStatus_returned: '已退回',
  submitNow: '报送',
  accept: '通过',
  returnIt: '退回',
  returnNote: '退回意见',
  division: '区划',
  submittedBy: '报送人',
  nothingToReview: '没有待审核的报送',
  late: '逾期',
};

export type Words = typeof zh;
export type WordKey = keyof Words;

const en: Words = {
  appName: 'Water intakes · Rectification ledger',
  signIn: 'Sign in',
  signOut: 'Sign out',
  username: 'Username',
  password: 'Password',
  signInHint: 'The demo accounts and passwords are printed once by npm start (demo-county: county staff; demo-admin: province admin).',
  signInFailed: 'Sign-in failed',
  navQueue: 'Queue',
  navMap: 'Map',
  navSubmissions: 'Submissions',
  language: '中文',
  loading: 'Loading…',
  error: 'Something went wrong',
  retry: 'Retry',
  none: 'None',
  all: 'All',
  more: 'Load more',
  countsTitle: 'By state',
  overdue: 'Overdue',
  escalated: 'Escalated',
  urgent: 'Overdue and escalated (first)',
  others: 'Other entries',
  filters: 'Filters',
  filterStatus: 'Status',
  filterRule: 'Rule',
  filterKind: 'Kind',
  filterDivision: 'Division code',
  filterSearch: 'Search (code, name, summary)',
  filterOverdue: 'Overdue only',
  filterEscalated: 'Escalated only',
  clear: 'Clear filters',
  kindItem: 'Rectification item',
  kindNotice: 'Notice',
  colId: 'No.',
  colStatus: 'Status',
  colRule: 'Rule',
  colIntake: 'Intake',
  colSummary: 'Summary',
  colRaised: 'Raised',
  colDeadline: 'Deadline',
  emptyQueue: 'No entries match',
  back: 'Back to the queue',
  evidence: 'Evidence',
  intake: 'Intake',
  county: 'County',
  permits: 'Permits',
  permitNumber: 'Permit no.',
  annualVolume: 'Annual volume (m³)',
  dailyLimit: 'Daily limit (m³)',
  maxRate: 'Max rate (m³/h)',
  validity: 'Valid',
  chartDaily: 'Daily volume against the daily limit (m³)',
  chartFlow: 'Flow rate against the permitted maximum (m³/h)',
  chartTotal: 'Totalizer (m³)',
  dailyVolume: 'Daily volume',
  flow: 'Flow',
  readingsNone: 'No readings in this period',
  downsampled: 'Many readings: shown per time bucket',
  window: 'Window',
  detections: 'Detections',
  history: 'History',
  nextStep: 'Next step',
  yourActions: 'You may',
  noActions: 'You have nothing to do on this entry',
  attachments: 'Attachments',
  note: 'Note',
  reason: 'Reason for dismissal',
  measures: 'Rectification measures',
  responsibleUnit: 'Responsible unit',
  responsiblePerson: 'Responsible person',
  deadline: 'Deadline',
  rectificationEvidence: 'Evidence of rectification',
  files: 'Attachments (JPEG, PNG, PDF, at most 20 MB each)',
  submit: 'Submit',
  done: 'Done',
  conflict: 'Someone changed this entry meanwhile; it was reloaded, please check and try again',
  notFound: 'No such entry, or not in your division',
  actor: 'By',
  action_confirm: 'Confirm',
  action_dismiss: 'Dismiss (not a problem)',
  action_startRectifying: 'Start rectifying',
  action_markRectified: 'Mark rectified',
  action_close: 'Verify and close',
  action_reopen: 'Reopen',
  status_raised: 'Raised',
  status_confirmed: 'Confirmed',
  status_dismissed: 'Dismissed',
  status_rectifying: 'Rectifying',
  status_rectified: 'Rectified, to verify',
  status_closed: 'Closed',
  status_resolved: 'Resolved by itself',
  next_raised: 'County staff confirm or dismiss it',
  next_confirmed: 'County staff set measures and start rectifying',
  next_rectifying: 'County staff mark it rectified when done',
  next_rectified: 'The level above (city or province) verifies and closes it, or reopens it',
  next_closed: 'Finished',
  next_dismissed: 'Finished (may be reopened)',
  next_resolved: 'Finished',
  event_raised: 'Raised by the system',
  event_updated: 'Updated by the system',
  event_cleared: 'Condition cleared',
  event_recurred: 'Recurred',
  event_confirmed: 'Confirmed',
  event_dismissed: 'Dismissed',
  event_rectifying: 'Rectifying started',
  event_rectified: 'Rectified',
  event_closed: 'Closed',
  event_resolved: 'Resolved',
  event_reopened: 'Reopened',
  event_overdue: 'Overdue',
  event_escalated: 'Escalated',
  mapTitle: 'Intakes of your division',
  mapNoTiles: 'No base map configured (APP_TILE_URL): intake positions only',
  legendOverdue: 'Overdue items',
  legendOpen: 'Open items',
  legendNoMetering: 'No online metering',
  legendOk: 'In order',
  openItems: 'Open items',
  viewItems: 'View items',
  intakesShown: 'intakes',
  submissionsTitle: 'Submissions',
  toMake: 'Due from your division',
  toReview: 'To review',
  submissionKind: 'What',
  kind_ledger: 'Rectification ledger',
  kind_registration: 'Registration summary',
  kind_monthly: 'Monthly report',
  period: 'Period',
  dueOn: 'Due on',
  state: 'State',
  state_on_time: 'On time',
  state_late: 'Late',
  state_missing: 'Missing (past due)',
  state_not_yet_due: 'Not yet submitted',
  subStatus_submitted: 'Awaiting review',
  subStatus_accepted: 'Accepted',
  subStatus_returned: 'Returned',
  submitNow: 'Submit',
  accept: 'Accept',
  returnIt: 'Return',
  returnNote: 'Why it is returned',
  division: 'Division',
  submittedBy: 'Submitted by',
  nothingToReview: 'Nothing to review',
  late: 'late',
};

export type Lang = 'zh' | 'en';
const WORDS: Record<Lang, Words> = { zh, en };

function initialLang(): Lang {
  try {
    return localStorage.getItem('lang') === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

let lang: Lang = initialLang();

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem('lang', next);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

/** The word for `key` in the current language. */
export function t(key: WordKey): string {
  return WORDS[lang][key];
}

/** The word for a key made from a prefix and a value (status_raised), or the value itself. */
export function tOf(prefix: string, value: string): string {
  const key = `${prefix}_${value}`;
  return key in zh ? t(key as WordKey) : value;
}

const INSTANT_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat('zh-CN', { dateStyle: 'short', timeStyle: 'short', timeZone: LOCAL_TIME_ZONE }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: LOCAL_TIME_ZONE }),
};

/** An instant in Beijing time, as staff read dates. */
export function formatInstant(iso: string): string {
  return INSTANT_FORMATS[lang].format(new Date(iso));
}

/**
 * A finding's text in the page's language: the rules write "中文 / English" (bilingual() in
 * domain/rules/format.ts), which reads well in a log but doubles every line of the page. Text
 * without that shape is shown whole.
 */
export function inLanguage(text: string): string {
  const at = text.indexOf(' / ');
  if (at < 0 || !/\p{Script=Han}/u.test(text.slice(0, at))) return text;
  return lang === 'zh' ? text.slice(0, at) : text.slice(at + 3);
}
