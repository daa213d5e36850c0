/**
 * What the item-name matcher knows beyond the catalog: words that agencies' ledgers use for catalog items,
 * words that name a part or a kind of several items (asked, never taken), the noise around a name (brands,
 * qualifiers) and the spellings that mean the same. It lives here, not in the ledger's catalog, so every
 * ledger — old ones included — matches with it while its own names and aliases still come first.
 * Every word is in the matcher's form: lower case, no spaces or punctuation (see `canonical` in item-matcher.ts).
 */

/** Names of one item, taken without asking (a whole name, or a name with qualifiers around it). */
export const SURE_WORDS: Readonly<Record<string, readonly string[]>> = {
  S01: ['执法执勤用车', '执法车辆', '执法执勤车辆', '执法专用车', '执勤车'],
  O01: ['监测车', '指挥车', '特种专业技术车', '移动监测车'],
  O02: ['车载样品冰箱', '车载样品保存箱', '车载样品箱', '车载样品柜'],
  O03: ['车载逆变器', '车载电源', '车载逆变电源'],
  O04: ['执法艇', '执法快艇'],
  S04: ['执法仪', '现场记录仪', '执法记录器'],
  S06: ['测距望远镜'],
  S08: ['采样箱', '采水器', '采样工具箱', '采泥器'],
  S10: ['防爆照相机', '相机', '单反相机', '微单相机', '照像机', '卡片机'],
  S11: ['红外摄像仪'],
  S12: ['快检试剂', '快检试剂盒', '快速检测试剂', '快速检测试剂盒', '快检包'],
  S13: ['热成像相机'],
  S15: ['多气体检测仪', '气体检测报警仪'],
  S16: ['光离子化气体检测仪'],
  S19: ['cod', '氨氮检测仪', '总磷检测仪', '总氮检测仪'],
  S20: ['电话机', '固话'],
  S22: ['计算机', '台式电脑', '一体机电脑'],
  S25: ['平板扫描仪'],
  S27: ['投影机'],
  O07: ['无人艇', '无人采样船', '采样无人船'],
  O08: ['管线探测仪'],
  O09: ['地质雷达', '暗管探测仪'],
  O10: ['溶氧仪', '溶解氧检测仪', '溶氧检测仪'],
  O11: ['臭气检测仪'],
  O15: ['林格曼测烟望远镜', '测烟望远镜', '黑度仪'],
  O13: ['气体泄漏红外成像仪', '光学气体成像仪'],
  // The standard lists these as examples of mobile-source equipment: each one is an O16, not a part of one.
  O16: ['尾气检测仪', '车用尿素检定仪', '油品硫含量检测仪', '硫含量检测仪', '车载诊断仪', '氮氧化物检测仪', 'obd', '不透光烟度计'],
  O17: ['xrf', 'x射线荧光光谱仪'],
  O20: ['表面污染检测仪', '表面污染仪'],
  O21: ['中子剂量率仪'],
  O22: ['伸缩杆剂量率仪'],
  // The set's instruments, each one a set's worth of the item (O23 is counted held or not).
  O23: ['射频综合场强仪', '选频分析仪', '工频场强测量仪', '场强仪'],
  O24: ['扩音器', '喊话器', '扩音喇叭'],
  O25: ['撬杠', '撬棒'],
  O26: ['卫星电话'],
  O27: ['本安对讲机'],
};

/**
 * Words that may be one of these items, or are only a part of one: the user is shown them first and decides.
 * A class column (资产分类) that names one of them settles it.
 */
export const ASK_WORDS: readonly { codes: readonly string[]; words: readonly string[] }[] = [
  { codes: ['S09', 'O06'], words: ['无人机'] },
  // Parts of the mobile enforcement kit: the kit is counted whole, one per four staff.
  { codes: ['S02'], words: ['笔记本', '便携计算机', '移动打印机', '随身wifi', '上网卡', '移动路由器'] },
  { codes: ['S03'], words: ['手机', '平板电脑', '平板'] },
  // Parts of the personal protection pack.
  { codes: ['S05'], words: ['手电筒', '强光手电筒', '防毒面具', '防护面罩'] },
  { codes: ['S07'], words: ['流速仪'] },
  { codes: ['S11'], words: ['摄像机', '摄像仪'] },
  { codes: ['S12', 'S19'], words: ['快速检测仪'] },
  { codes: ['S16', 'O14'], words: ['voc'] },
  { codes: ['S19'], words: ['ph', '电导率仪', '浊度仪', '酸度计'] },
  { codes: ['S23', 'S24'], words: ['多功能一体机', '打印复印一体机', '打印复印传真一体机', '复合机'] },
  { codes: ['S25', 'S26'], words: ['高拍仪'] },
  { codes: ['O02'], words: ['车载冰箱', '样品保存箱'] },
  { codes: ['O03'], words: ['逆变器'] },
  { codes: ['O04'], words: ['快艇', '冲锋舟', '巡逻艇'] },
  { codes: ['O05'], words: ['夜视仪'] },
  { codes: ['O07'], words: ['声呐'] },
  { codes: ['O08'], words: ['管道内窥镜', '管道机器人'] },
  { codes: ['O11'], words: ['电子鼻'] },
  { codes: ['O17', 'S12'], words: ['重金属检测仪'] },
  { codes: ['O18'], words: ['个人剂量计'] },
  { codes: ['O21', 'O22'], words: ['剂量率仪'] },
  { codes: ['O27'], words: ['对讲机'] },
  { codes: ['O28'], words: ['卫星终端', '遥感影像', '遥感图片'] },
];

/**
 * Words that qualify a name without changing the item: 激光测距仪 is a 测距仪, 水质采样器 a 采样器. A word that
 * tells items apart (防爆, 小型, 红外, 车载, 移动) is not one of them: it is matched as part of the item's name.
 */
export const QUALIFIERS: readonly string[] = [
  '便携', '式', '型', '智能', '数字', '数显', '数码', '高清', '新型', '新款', '专用', '执法', '现场', '多功能', '多参数', '综合', '自动', '全自动',
  '电子', '激光', '彩色', '黑白', '喷墨', '针式', '网络', '无线', '超声波', '电磁', '明渠', '三防', '防水', '4g', '5g', '国产', '信创', '办公',
  '微型', '多旋翼', '航拍', '水质', '水样', '土壤', '大气', '烟气', '废气', '废水', '污水', '深水', '有机玻璃', '不锈钢', '浓度', '机动车', '加油站',
  '单警', '高精度', '防爆', '个人', '新能源', '越野', '皮卡', '三项', '四合一', '复合', '有毒有害', '热球', '热敏', '文档', '台式', '录音', '无绳', '座式',
  '取证', '单反', '微单', '海事', '天通', '铱星', '环境', '应急', '地下', '重金属', '快速', '辐射', 'α', 'β', 'γ', 'x', 'αβ', 'xγ',
];

/** Qualifiers a catalog name may have that a ledger's name leaves out: 核素识别仪 is the 便携式核素识别仪. */
export const OPTIONAL_IN_CATALOG: readonly string[] = ['便携', '式', '型', '个人', '数码'];

/** What follows an abbreviation that names an item: PID检测仪, OBD诊断仪, pH计. */
export const INSTRUMENT_WORDS: readonly string[] = ['检测仪', '诊断仪', '仪', '设备', '装置'];

/**
 * Makers and model lines found in ledgers' names; they say nothing of the item, and are taken out before
 * matching (ASCII model codes go by themselves). `implies`: what a maker's name alone suggests, shown to the
 * user as a likeness, never taken.
 */
export const BRANDS: readonly { words: readonly string[]; implies?: string }[] = [
  { words: ['大疆', 'dji', '精灵', '经纬'], implies: '无人机' },
  {
    words: [
      '别克', '丰田', '大众', '本田', '日产', '福特', '江铃', '比亚迪', '吉利', '长安', '哈弗', '五菱', '宝骏', '荣威', '红旗', '依维柯', '金杯', '江淮', '东风',
      '北汽', '三菱', '现代', '起亚', '雪佛兰', '奥迪', '宝马', '奔驰', 'jeep', '吉普', '传祺', '上汽大通', '奇瑞', '领克', '长城炮', '长城', '普拉多', '汉兰达',
      '途观', '途昂', '帕萨特', '凯美瑞', '雅阁', '奥德赛', '艾力绅', '帕杰罗', '全顺', '途锐', '昂科威', '域虎', '风骏',
    ],
    implies: '执法车',
  },
  {
    words: [
      '海康威视', '海康', 'hikvision', '大华', '华为', '荣耀', '小米', '苹果', '三星', '联想', '戴尔', '惠普', '华硕', '宏碁', '神舟', '清华同方', '同方', '浪潮',
      '中科曙光', '曙光', '方正', '紫光', '启天', '扬天', '开天', '擎天', '擎云', '佳能', '尼康', '索尼', '富士通', '富士施乐', '施乐', '富士', '奥林巴斯', '松下',
      '理光', '夏普', '京瓷', '东芝', '柯尼卡美能达', '兄弟', '爱普生', '奔图', '得力', '明基', '飞利浦', '步步高', '摩托罗拉', '海能达', '建伍', '科立讯',
      '哈希', 'hach', '雷磁', '梅特勒托利多', '梅特勒', '赛默飞', '聚光', '青岛崂应', '崂应', '华瑞', '英思科', '梅思安', '天鹰', '霍尼韦尔', '德尔格', '汉威',
      '福禄克', '希玛', '优利德', '博世', '徕卡', '菲力尔', 'flir', '高德红外', '雷迪', '尼通', '云洲', '汉王', '华德安',
    ],
  },
];
