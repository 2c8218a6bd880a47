/**
 * Every rule of the brief's section 4 with a stable id, its kind and the source of its default.
 * Items go into the rectification ledger; notices inform and are never rectified (brief: "Early
 * warnings ... are notices, not rectification items"). docs/rules.md is the long form of this table.
 */

export const RULE_IDS = [
  'unpermitted-withdrawal',
  'permit-renewal-due',
  'annual-over-permit',
  'annual-early-warning',
  'monthly-over-plan',
  'monthly-early-warning',
  'daily-over-limit',
  'rate-excess',
  'outside-season',
  'outside-hours',
  'online-metering-missing',
  'meter-offline',
  'meter-silent',
  'daily-completeness',
  'monthly-completeness',
  'calibration-overdue',
  'meter-replacement-due',
  'accuracy-class',
  'totalizer-rollback',
  'totalizer-rollover',
  'stuck-register',
  'flow-volume-mismatch',
  'clock-drift',
  'meter-fault-flag',
  'unregistered-meter',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

/** item: a rectification item in the ledger. notice: information only, no rectification. */
export type FindingKind = 'item' | 'notice';

export interface RuleDescription {
  kind: FindingKind;
  titleZh: string;
  titleEn: string;
  /** Where the default threshold comes from. */
  source: string;
}

const BRIEF = 'design brief §4';
const REGULATION = '取水许可和水资源费征收管理条例 (withdrawal-permit regulation) art. 41: apply for renewal 45 days before expiry';
const MWR_2021 = '水利部关于强化取水口取水监测计量的意见 (MWR 2021 opinion on intake metering)';
const JJG_162 = 'JJG 162-2019 冷水水表检定规程 (cold-water meter verification regulation)';
const ACCOUNTING = `${BRIEF}; thresholds applied by the accounting core (docs/accounting.md)`;

export const RULES: Readonly<Record<RuleId, RuleDescription>> = Object.freeze({
  'unpermitted-withdrawal': {
    kind: 'item',
    titleZh: '无证取水',
    titleEn: 'Withdrawal without a valid permit',
    source: `${BRIEF}; bundle threshold 1000 m³/year from the 2020 Jilin campaign plan`,
  },
  'permit-renewal-due': { kind: 'notice', titleZh: '取水许可证即将到期', titleEn: 'Permit renewal due', source: REGULATION },
  'annual-over-permit': { kind: 'item', titleZh: '超许可年度水量取水', titleEn: 'Annual volume above permit', source: BRIEF },
  'annual-early-warning': {
    kind: 'notice',
    titleZh: '年度取水量预警',
    titleEn: 'Annual volume early warning',
    source: `${BRIEF}: 80 %, 90 %, projected to exceed`,
  },
  'monthly-over-plan': { kind: 'item', titleZh: '超月度计划取水', titleEn: 'Monthly volume above plan', source: BRIEF },
  'monthly-early-warning': {
    kind: 'notice',
    titleZh: '月度取水量预警',
    titleEn: 'Monthly volume early warning',
    source: `${BRIEF}: 80 %, 90 %, projected to exceed`,
  },
  'daily-over-limit': { kind: 'item', titleZh: '超日取水限额', titleEn: 'Daily volume above limit', source: BRIEF },
  'rate-excess': {
    kind: 'item',
    titleZh: '超许可流量取水',
    titleEn: 'Sustained rate above permitted maximum',
    source: `${BRIEF}: sustained 15 minutes`,
  },
  'outside-season': { kind: 'item', titleZh: '许可期外取水', titleEn: 'Withdrawal outside the permitted season', source: BRIEF },
  'outside-hours': { kind: 'item', titleZh: '许可时段外取水', titleEn: 'Withdrawal outside the permitted hours', source: BRIEF },
  'online-metering-missing': {
    kind: 'item',
    titleZh: '未按要求安装在线计量',
    titleEn: 'Online metering missing where required',
    source: `${MWR_2021}: 500 000 m³/year surface water, 50 000 m³/year groundwater`,
  },
  'meter-offline': {
    kind: 'notice',
    titleZh: '计量设施离线',
    titleEn: 'Meter offline',
    source: `${BRIEF}: no reading for 3 × its reporting interval`,
  },
  'meter-silent': { kind: 'item', titleZh: '计量设施长期无数据', titleEn: 'Meter silent', source: `${BRIEF}: silent for 3 days or more` },
  'daily-completeness': {
    kind: 'notice',
    titleZh: '日数据完整率不足',
    titleEn: 'Daily data completeness low',
    source: `${BRIEF}: below 95 % of expected reports`,
  },
  'monthly-completeness': {
    kind: 'item',
    titleZh: '月数据完整率不足',
    titleEn: 'Monthly data completeness low',
    source: `${BRIEF}: below 90 % of expected reports`,
  },
  'calibration-overdue': {
    kind: 'item',
    titleZh: '计量器具超期未检定',
    titleEn: 'Calibration or verification overdue',
    source: `${JJG_162}: DN > 50 mm every 2 years`,
  },
  'meter-replacement-due': {
    kind: 'item',
    titleZh: '水表超期未轮换',
    titleEn: 'Meter replacement overdue',
    source: `${JJG_162}: DN ≤ 25 mm within 6 years, DN ≤ 50 mm within 4 years`,
  },
  'accuracy-class': {
    kind: 'item',
    titleZh: '计量器具准确度不达标',
    titleEn: 'Accuracy class below requirement',
    source: 'GB/T 28714 取水计量技术导则, as tabulated in docs/rules.md (table by meter type)',
  },
  'totalizer-rollback': { kind: 'item', titleZh: '累计流量回退', titleEn: 'Totalizer rollback', source: ACCOUNTING },
  'totalizer-rollover': {
    kind: 'notice',
    titleZh: '累计流量翻转',
    titleEn: 'Totalizer rollover',
    source: `${ACCOUNTING}; accounted explicitly, so a notice`,
  },
  'stuck-register': { kind: 'item', titleZh: '累计流量停走', titleEn: 'Stuck register', source: `${ACCOUNTING}: 1 hour` },
  'flow-volume-mismatch': {
    kind: 'item',
    titleZh: '瞬时流量与水量不符',
    titleEn: 'Flow and volume inconsistent',
    source: `${ACCOUNTING}: more than 5 %`,
  },
  'clock-drift': { kind: 'item', titleZh: '计量设施时钟偏差', titleEn: 'Meter clock drift', source: `${ACCOUNTING}: more than 5 minutes` },
  'meter-fault-flag': { kind: 'item', titleZh: '计量设施报警', titleEn: 'Meter tamper, power or fault flag', source: ACCOUNTING },
  'unregistered-meter': {
    kind: 'item',
    titleZh: '应登未登取水口',
    titleEn: 'Readings from an unregistered meter',
    source: `${BRIEF}: "should have registered but did not"`,
  },
});

/** Stable order: findings are sorted by it so that output does not depend on evaluation order. */
export function ruleOrder(id: RuleId): number {
  return RULE_IDS.indexOf(id);
}
