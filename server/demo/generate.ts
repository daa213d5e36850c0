import { addDays, addYears, type IsoDate } from '../../lib/dates';
import { CATALOG, SHIPPED_RULE_SETS } from '../../quotas/catalog';
import { indexRules, required, type AgencyFacts } from '../../quotas/engine';
import type { CatalogItem, Level } from '../../quotas/types';
import type { AssetInput, AssetStatus } from '../../lib/domain/assets';
import type { AgencyRecord } from '../../quotas/types';

/** A deterministic PRNG (mulberry32), so a seed always builds the same ledger. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const between = (r: Rand, lo: number, hi: number) => lo + r() * (hi - lo);
const int = (r: Rand, lo: number, hi: number) => Math.floor(between(r, lo, hi + 1));
const choose = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

export interface GeneratedService {
  date: IsoDate;
  kind: 'repair' | 'service';
  description: string;
  costFen: number;
  odometerKm: number | null;
  nextDueDate: IsoDate | null;
}

export type GeneratedAsset = Omit<AssetInput, 'row'> & { fundingSource: string; location: string; service: GeneratedService | null };

const CITY_NAMES = ['青川', '云溪', '临江', '南屏', '白石', '东浦', '安澜', '金沙', '石门', '清河', '长宁', '永和', '柳城', '桐溪', '松阳', '鹤山'];
const COUNTY_FIRST = '安宝长丰福广和华嘉金乐临龙茂南平清庆瑞善泰通文武仙新兴阳宜永玉云泽兆';
const COUNTY_SECOND = '安昌川德丰和湖江康乐陵宁平浦泉山水顺台田溪阳源远州庄';
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红斌文辉力凯鹏飞宇浩然晨阳雪梅海波立新';
const FUNDING = ['财政拨款', '财政拨款', '财政拨款', '中央生态环境资金', '省级专项资金', '自筹'];

/** Price ranges in yuan, by item; items not listed fall back to their category's range. */
const PRICE_YUAN: Record<string, [number, number]> = {
  S01: [160_000, 300_000], S02: [12_000, 20_000], S03: [3_000, 6_000], S04: [1_800, 3_500], S05: [1_000, 2_500],
  S09: [80_000, 160_000], S10: [6_000, 15_000], S11: [20_000, 45_000], S13: [25_000, 60_000], S20: [200, 600],
  S21: [1_200, 2_500], S22: [4_500, 8_000], S23: [1_500, 4_000], S24: [15_000, 35_000], S25: [2_500, 6_000],
  S26: [1_500, 3_500], S27: [4_000, 9_000], S28: [30_000, 80_000], O01: [350_000, 900_000], O04: [300_000, 1_200_000],
  O07: [150_000, 400_000],
};
const CATEGORY_PRICE: Record<string, [number, number]> = {
  交通工具: [5_000, 50_000], 个人移动执法设备: [1_000, 5_000], 现场执法辅助设备: [8_000, 80_000], 通讯与办公设备: [500, 5_000],
  个人防护设备: [800, 3_000], 信息化设备: [20_000, 100_000],
};
const VEHICLE_MODELS = ['大众 帕萨特 执法车', '丰田 汉兰达 执法车', '比亚迪 宋PLUS DM-i 执法车', '长城 哈弗H6 执法车', '江铃 福顺 执法改装车', '吉利 星越L 执法车'];
const MODEL_PREFIX = ['聚光', '天瑞', '海康威视', '大疆', '华为', '联想', '得力', '佳能', '爱普生', '先河', '理研', '华瑞'];

export interface ProvinceSpec {
  code: string;
  name: string;
  lat: number;
  lon: number;
  cities: number;
  counties: number;
}

export const DEMO_PROVINCE: ProvinceSpec = { code: '990000', name: '示范省', lat: 29.6, lon: 120.2, cities: 12, counties: 100 };

const suffix: Record<Level, string> = { province: '生态环境保护综合行政执法总队', city: '生态环境保护综合行政执法支队', county: '生态环境保护综合行政执法大队' };

function staffFor(r: Rand, level: Level): number {
  if (level === 'province') return int(r, 38, 62);
  if (level === 'city') return int(r, 20, 45);
  // County teams average about 15.5 on duty, some only 5-6 (Chongqing, seed 003).
  return r() < 0.12 ? int(r, 5, 7) : Math.round(between(r, 9, 26));
}

/** The agency tree of one or several provinces, parents before children. */
export function generateAgencies(seed: number, provinces: readonly ProvinceSpec[]): AgencyRecord[] {
  const r = rng(seed);
  const out: AgencyRecord[] = [];
  const make = (code: string, name: string, level: Level, parentCode: string | null, lat: number, lon: number): AgencyRecord => {
    const staff = staffFor(r, level);
    return {
      code, name: `${name}${suffix[level]}`, level, parentCode, staff,
      authorizedPosts: staff + int(r, 0, 6),
      offices: level === 'province' ? int(r, 4, 6) : level === 'city' ? int(r, 2, 4) : int(r, 1, 3),
      latitude: Math.round(lat * 1e4) / 1e4, longitude: Math.round(lon * 1e4) / 1e4,
    };
  };
  for (const p of provinces) {
    out.push(make(p.code, p.name, 'province', null, p.lat, p.lon));
    const prefix = p.code.slice(0, 2);
    const usedNames = new Set<string>();
    for (let c = 0; c < p.cities; c++) {
      const cityCode = `${prefix}${String(c + 1).padStart(2, '0')}00`;
      const cityName = c < CITY_NAMES.length ? CITY_NAMES[c] : `${CITY_NAMES[c % CITY_NAMES.length]}${Math.floor(c / CITY_NAMES.length) + 1}`;
      const cLat = p.lat + between(r, -1.4, 1.4);
      const cLon = p.lon + between(r, -1.6, 1.6);
      out.push(make(cityCode, `${p.name}${cityName}市`, 'city', p.code, cLat, cLon));
      const counties = Math.floor(p.counties / p.cities) + (c < p.counties % p.cities ? 1 : 0);
      for (let k = 0; k < counties; k++) {
        let name: string;
        do name = choose(r, [...COUNTY_FIRST]) + choose(r, [...COUNTY_SECOND]) + (r() < 0.7 ? '县' : '区');
        while (usedNames.has(name) && usedNames.size < 1500);
        usedNames.add(name);
        out.push(make(`${prefix}${String(c + 1).padStart(2, '0')}${String(k + 1).padStart(2, '0')}`, `${cityName}市${name}`, 'county', cityCode,
          cLat + between(r, -0.35, 0.35), cLon + between(r, -0.35, 0.35)));
      }
    }
  }
  return out;
}

interface Plan {
  agency: AgencyRecord;
  item: CatalogItem;
  active: number;
  history: number;
}

/**
 * Plans how many units of each item each agency holds: roughly its requirement times the
 * agency's means, with gaps, plus some optional items; then history (scrapped and spare units)
 * is scaled so the whole ledger has about `target` assets.
 */
function plan(r: Rand, agencies: readonly AgencyRecord[], target: number): Plan[] {
  const rules = indexRules(SHIPPED_RULE_SETS[0]);
  const plans: Plan[] = [];
  for (const agency of agencies) {
    const means = between(r, 0.55, 1.2);
    const facts: AgencyFacts = { ...agency, parentCode: null };
    for (const item of CATALOG) {
      let active: number;
      if (item.kind === 'basic') {
        const req = required(rules.get(`${item.code}/${agency.level}`), facts);
        const gap = r() < 0.15 ? between(r, 0, 0.7) : 1;
        active = Math.max(0, Math.round(req * means * gap * between(r, 0.85, 1.2)));
      } else {
        active = r() < 0.22 * means ? int(r, 1, 3) : 0;
      }
      plans.push({ agency, item, active, history: active === 0 ? r() * 0.5 : active * between(r, 0.5, 2) });
    }
  }
  const base = plans.reduce((s, p) => s + p.active, 0);
  const weight = plans.reduce((s, p) => s + p.history, 0);
  const k = weight > 0 ? Math.max(0, (target - base) / weight) : 0;
  for (const p of plans) p.history = Math.round(p.history * k);
  // Rounding leaves the total a little off: settle the difference one unit at a time, never
  // taking away more history than there is.
  const history = plans.reduce((s, p) => s + p.history, 0);
  let missing = Math.max(-history, target - base - history);
  while (missing !== 0) {
    const p = plans[Math.floor(r() * plans.length)];
    if (missing < 0 && p.history === 0) continue;
    p.history += Math.sign(missing);
    missing -= Math.sign(missing);
  }
  return plans;
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const REPAIRS = ['更换刹车片', '发动机故障维修', '更换电池', '屏幕损坏维修', '传感器故障送修', '电路故障维修'];

function person(r: Rand): string {
  return choose(r, [...SURNAMES]) + choose(r, [...GIVEN]) + (r() < 0.6 ? choose(r, [...GIVEN]) : '');
}

/** Assets for the agencies, about `target` of them, streamed so a million need not sit in memory. */
export function* generateAssets(seed: number, agencies: readonly AgencyRecord[], target: number, today: IsoDate): Generator<GeneratedAsset> {
  const r = rng(seed ^ 0x9e3779b9);
  const plateLetter = new Map<string, string>();
  for (const p of plan(r, agencies, target)) {
    const { agency, item } = p;
    const vehicle = item.code === 'S01' || item.code === 'O01';
    const [lo, hi] = PRICE_YUAN[item.code] ?? CATEGORY_PRICE[item.category] ?? [1_000, 10_000];
    const cityCode = agency.level === 'county' ? agency.parentCode! : agency.code;
    if (!plateLetter.has(cityCode)) plateLetter.set(cityCode, LETTERS[plateLetter.size % LETTERS.length]);
    const custodians = [person(r), person(r), person(r)];
    for (let n = 0; n < p.active + p.history; n++) {
      const historic = n >= p.active;
      let status: AssetStatus;
      if (historic) status = r() < 0.8 ? 'scrapped' : 'idle';
      else {
        const x = r();
        status = x < 0.06 ? 'under_repair' : x < 0.14 ? 'idle' : 'in_service';
      }
      // Jilin reports 81.7% of vehicles over 8 years in use: vehicles skew old.
      const years = historic ? between(r, 6, 18) : vehicle ? Math.min(15, Math.abs(between(r, -2, 1) + between(r, 3, 13))) : between(r, 0, 9);
      const purchaseDate = addDays(today, -Math.round(years * 365.25) - 1);
      const odometerKm = vehicle ? Math.round(years * between(r, 12_000, 30_000)) : null;
      let calibrationValidUntil: IsoDate | null = null;
      if (item.needsCalibration && r() > 0.08) calibrationValidUntil = addYears(addDays(today, -int(r, 0, 540)), 1);
      // Vehicles are serviced every six months; the last service of some is overdue. Repairs are logged.
      let service: GeneratedService | null = null;
      if (status === 'under_repair') {
        service = { date: addDays(today, -int(r, 1, 40)), kind: 'repair', description: choose(r, REPAIRS), costFen: int(r, 200, 8_000) * 100, odometerKm, nextDueDate: null };
      } else if (vehicle && status !== 'scrapped') {
        const date = addDays(today, -int(r, 10, 230));
        service = { date, kind: 'service', description: '定期保养', costFen: int(r, 400, 1_500) * 100, odometerKm, nextDueDate: addDays(date, 182) };
      }
      yield {
        service,
        assetTag: `${agency.code}-${item.code}-${String(n + 1).padStart(4, '0')}`,
        itemCode: item.code,
        model: vehicle ? choose(r, VEHICLE_MODELS) : `${choose(r, MODEL_PREFIX)} ${item.code}-${int(r, 1, 9)}${int(r, 0, 9)}0`,
        agencyCode: agency.code,
        purchaseDate,
        priceFen: Math.round(between(r, lo, hi)) * 100,
        fundingSource: choose(r, FUNDING),
        status,
        custodian: status === 'scrapped' ? null : choose(r, custodians),
        location: agency.level === 'county' ? '大队装备室' : agency.level === 'city' ? '支队装备库' : '总队装备库',
        plateNumber: vehicle ? `示${plateLetter.get(cityCode)}${String(int(r, 10000, 99999))}` : null,
        odometerKm,
        calibrationValidUntil,
        notes: status === 'under_repair' ? '送修中' : historic && status === 'idle' ? '备用' : null,
      };
    }
  }
}

/** About 3,100 agencies in 31 provinces, for the national benchmark. */
export function nationalProvinces(): ProvinceSpec[] {
  return Array.from({ length: 31 }, (_, i) => ({
    code: `${11 + i}0000`, name: `第${i + 1}省`, lat: 22 + (i % 8) * 2.5, lon: 100 + Math.floor(i / 8) * 6, cities: 11, counties: 88,
  }));
}
