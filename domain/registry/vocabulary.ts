/**
 * The registry's controlled vocabularies, defined once. Each value carries the label used on the
 * Chinese registration form so that imports, exports and the API speak the same words.
 * The database migration holds the same lists as CHECK constraints (a snapshot at that version).
 */
import { z } from 'zod';

function vocabulary<const T extends Record<string, string>>(labels: T) {
  const values = Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];
  return { labels, values, schema: z.enum(values) };
}

export const divisionLevel = vocabulary({ province: '省', city: '市', county: '县' });

export const unitKind = vocabulary({ organisation: '单位', person: '个人' });

export const sourceType = vocabulary({
  river: '河流',
  lake: '湖泊',
  reservoir: '水库',
  groundwater: '地下水',
  non_conventional: '非常规水源',
  return_water: '其他单位退水',
});

export const nonConventionalKind = vocabulary({
  reclaimed: '再生水',
  brackish: '微咸水',
  rain: '雨水',
  mine: '矿井水',
  desalinated: '淡化海水',
});

export const waterUse = vocabulary({
  agricultural: '农业',
  industrial: '工业',
  public_supply: '公共供水',
  domestic: '生活',
  ecological: '生态',
  other: '其他',
});

export const intakeKind = vocabulary({ pump_station: '泵站', gate: '闸门', well: '机井', other: '其他' });

export const registryStatus = vocabulary({ active: '在用', suspended: '停用', retired: '注销' });

export const issuingLevel = vocabulary({ basin: '流域管理机构', province: '省级', city: '市级', county: '县级' });

export const permitStatus = vocabulary({ valid: '有效', suspended: '暂停', revoked: '吊销' });

export const meterType = vocabulary({
  electromagnetic: '电磁流量计',
  ultrasonic: '超声波流量计',
  mechanical: '机械水表',
  weir_flume: '堰槽',
  power_conversion: '以电折水',
});

export const readingMode = vocabulary({ online: '在线计量', manual: '人工抄表' });

export const meterStatus = vocabulary({ active: '在用', replaced: '已更换', retired: '注销' });

/** Plan scope rule: irrigation wells with a pipe diameter below this are out of the campaign's scope. */
export const OUT_OF_SCOPE_WELL_DIAMETER_MM = 200;
/** Plan scope rule: farmer-built irrigation intakes below this annual volume may be registered in bundles. */
export const BUNDLE_MAX_ANNUAL_M3 = 1000;
/** The meter id as it appears in MQTT topics (brief, section 3). */
export const METER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
