import type { ApiMessagePattern } from './api-messages.zh-CN';
import { zhCN } from './zh-CN';

/** The dictionary families whose keys end in an API code (`severity.critical` → 严重). */
const CODE_FAMILIES = [
  'severity',
  'level',
  'state',
  'reason',
  'noticeKind',
  'channelKind',
  'duty',
  'handler',
  'ruleKind',
  'deliveryTarget',
  'deviceType',
  'category',
];

/** A code the API lists as allowed, as the option label the form shows for it; else as sent. */
export function codeLabel(code: string): string {
  const messages: Record<string, string> = zhCN;
  for (const family of CODE_FAMILIES) {
    const label = messages[`${family}.${code}`];
    if (label !== undefined) return label;
  }
  return code;
}

/** `a, b or c` → `A、B 或 C`, each code as its label. */
const orList = (first: string, last: string): string =>
  `${first.split(', ').map(codeLabel).join('、')} 或 ${codeLabel(last)}`;

/** `<field> must be a list of …`, by what the list must hold. */
const LIST_OF: Record<string, string> = {
  'user ids': '必须是用户 id 列表',
  'photo URLs': '必须是照片地址列表',
  'ISO weekdays 1–7': '必须是 ISO 星期（1–7）列表',
  'YYYY-MM-DD dates': '必须是 YYYY-MM-DD 格式的日期列表',
  'handler references': '必须是处置部门或人员列表',
  'rule ids or event types': '必须是规则 id 或事件类型列表',
  positions: '必须是坐标点列表',
};

/** `<field> <rest>`: a field path as the API names it (`bands[0].above`, `keys.auth`). */
const field = (rest: string): RegExp => new RegExp(String.raw`^([\w.[\]]+) ${rest}$`);

function listOf(name: string, items: string): string | undefined {
  if (Object.hasOwn(LIST_OF, items)) return `${name} ${LIST_OF[items]}`;
  // A list of codes (`opened, assigned, …`): by their labels.
  return /^[\w-]+(?:, [\w-]+)*$/.test(items)
    ? `${name} 必须是由 ${items.split(', ').map(codeLabel).join('、')} 组成的列表`
    : undefined;
}

/** Validation details that say something particular about one field. */
export const FIELD_DETAILS_ZH_CN: readonly ApiMessagePattern[] = [
  [/^id (\S+) is already registered$/, (m) => `id ${m[1]} 已登记`],
  [/^ids starting with gridsense- are reserved$/, () => '以 gridsense- 开头的 id 保留给 GridSense 服务'],
  [/^id (\S+) is already a region$/, (m) => `id ${m[1]} 已被其他区划使用`],
  [/^username (\S+) is taken$/, (m) => `用户名 ${m[1]} 已被占用`],
  [/^unknown category (\S+)$/, (m) => `未知类别 ${m[1]}`],
  [/^subcategory (\S+) is not under (\S+)$/, (m) => `子类 ${m[1]} 不属于 ${m[2]}`],
  [/^type (\S+) is not under a subcategory$/, (m) => `类型 ${m[1]} 须属于某个子类`],
  [/^type (\S+) is not under (\S+)$/, (m) => `类型 ${m[1]} 不属于 ${m[2]}`],
  [/^makeupWorkdays (\S+) is also a holiday$/, (m) => `makeupWorkdays：${m[1]} 同时是法定节假日`],
  [/^unknown field (\S+)$/, (m) => `未知字段 ${m[1]}`],
  [/^you cannot change your own role$/, () => '不能修改自己的角色'],
  [/^you cannot reset your own password here$/, () => '不能在此重置自己的密码'],
  [/^password must be at least 10 characters$/, () => '密码至少需要 10 个字符'],
  [/^password must be at most 128 characters$/, () => '密码最多 128 个字符'],
  [
    /^password must mix at least 3 of lower case, upper case, digits and other characters$/,
    () => '密码须包含小写字母、大写字母、数字、其他字符中的至少 3 类',
  ],
  [/^password must not contain the username$/, () => '密码不能包含用户名'],
  [/^the new password must differ from the current one$/, () => '新密码不能与当前密码相同'],
  [/^the current password is wrong$/, () => '当前密码不正确'],
  [/^the code does not match; check the time on your phone$/, () => '验证码不匹配，请检查手机时间是否准确'],
  [/^you cannot disable your own account$/, () => '不能停用自己的账号'],
  [/^only department handlers have a department$/, () => '只有部门处置员才有所属部门'],
  [/^give a location or a gridId$/, () => '请提供 location 或 gridId'],
  [/^use forSeconds or repeat, not both$/, () => 'forSeconds 与 repeat 只能选一个'],
  [/^use afterSeq or beforeSeq, not both$/, () => 'afterSeq 与 beforeSeq 只能选一个'],
  [
    /^lat and lng are required: the grid has no boundary to place the device in$/,
    () => 'lat 和 lng 为必填项：该网格没有边界，无法自动放置设备',
  ],

  [field('must be a region in your scope'), (m) => `${m[1]} 必须是您管辖范围内的区域`],
  [field('must be a grid for a grid worker'), (m) => `网格员的 ${m[1]} 必须是网格`],
  [field('must be a department for a department handler'), (m) => `部门处置员的 ${m[1]} 必须是部门`],
  [field('must be a department in your scope'), (m) => `${m[1]} 必须是您管辖范围内的部门`],
  [field('must be a person in your scope'), (m) => `${m[1]} 必须是您管辖范围内的人员`],
  [field('must be a grid worker'), (m) => `${m[1]} 必须是网格员`],
  [field('is disabled'), (m) => `${m[1]} 的账号已停用`],
  [field('must be a grid in your region'), (m) => `${m[1]} 必须是您辖区内的网格`],
  [field('must be a community in your region'), (m) => `${m[1]} 必须是您辖区内的社区`],
  [field('must be a street in your region'), (m) => `${m[1]} 必须是您辖区内的街道`],
  [field('must be the district in your region'), (m) => `${m[1]} 必须是您辖区内的区`],
  [
    /^level must be street, community or grid$/,
    () => 'level 必须是 street（街道）、community（社区）或 grid（网格）',
  ],
  [field('must be a region'), (m) => `${m[1]} 必须是已有的区域`],
  [field('must be a region id'), (m) => `${m[1]} 必须是区域编号`],
  [field('must be one case id'), (m) => `${m[1]} 必须是单个工单编号`],
  [field('must be a device id'), (m) => `${m[1]} 必须是设备编号`],
  [
    field(String.raw`must be an id \(letters, digits, _ and -\)`),
    (m) => `${m[1]} 必须是编号（字母、数字、_ 和 -）`,
  ],
  [field('must be a taxonomy key or \\*'), (m) => `${m[1]} 必须是类别 key 或 *`],
  [field('must be a handler reference'), (m) => `${m[1]} 必须是处置部门或人员`],
  [field('must be the push service URL'), (m) => `${m[1]} 必须是推送服务的地址`],
  [field('must be an https URL'), (m) => `${m[1]} 必须是 https 地址`],
  [field('must not carry a user name or password'), (m) => `${m[1]} 不能包含用户名或密码`],
  [
    field('must not point to a private, loopback, link-local or unique-local address'),
    (m) => `${m[1]} 不能指向内网、本机、链路本地或唯一本地地址`,
  ],
  [field('host does not resolve'), (m) => `${m[1]} 的主机名无法解析`],
  [field(String.raw`must be an http\(s\) URL`), (m) => `${m[1]} 必须是 http(s) 地址`],
  [field('must be base64url'), (m) => `${m[1]} 必须是 base64url 编码`],
  [field('must be text of at most (\\d+) characters'), (m) => `${m[1]} 必须是不超过 ${m[2]} 个字符的文本`],
  [field(String.raw`must be a latitude \((.+)\)`), (m) => `${m[1]} 必须是纬度（${m[2]}）`],
  [field(String.raw`must be a longitude \((.+)\)`), (m) => `${m[1]} 必须是经度（${m[2]}）`],
  [
    field(String.raw`must be \{ lat, lng \} in WGS-84 degrees`),
    (m) => `${m[1]} 必须是 WGS-84 经纬度 { lat, lng }`,
  ],
  [field('is required for a patrol report'), (m) => `巡查上报必须提供 ${m[1]}`],
  [field('is set by the platform, not the caller'), (m) => `${m[1]} 由平台设置，请勿填写`],
  [field('must be (\\d+)–(\\d+) digits'), (m) => `${m[1]} 必须是 ${m[2]}–${m[3]} 位数字`],
  [field('must be a number (\\d+)–(\\d+)'), (m) => `${m[1]} 必须是 ${m[2]}–${m[3]} 的数字`],
  [
    field('must be a number between (-?\\d+) and (-?\\d+)'),
    (m) => `${m[1]} 必须是 ${m[2]} 到 ${m[3]} 之间的数字`,
  ],
  [field('must be a number of minutes ≥ (\\d+)'), (m) => `${m[1]} 必须是不少于 ${m[2]} 的分钟数`],
  [field('must be ≥ (\\d+)'), (m) => `${m[1]} 必须 ≥ ${m[2]}`],
  [field('must be a span like (.+) or (\\w+)'), (m) => `${m[1]} 必须是时限，如 ${orList(m[2]!, m[3]!)}`],
  [field('needs start and end as HH:MM'), (m) => `${m[1]} 需要 HH:MM 格式的开始和结束时间`],
  [
    field('must end after it starts and after the previous period'),
    (m) => `${m[1]} 的结束时间须晚于开始时间，且不得早于上一时段`,
  ],
  [
    field('must list weekdays 1 \\(Monday\\) to 7 \\(Sunday\\)'),
    (m) => `${m[1]} 只能列出 1（周一）到 7（周日）`,
  ],
  [field('must be a non-empty list of ISO weekdays 1–7'), (m) => `${m[1]} 必须是非空的 ISO 星期列表（1–7）`],
  [field('must be a non-empty list of photo URLs'), (m) => `${m[1]} 至少需要一张照片`],
  [field('must be photos uploaded to /api/photos'), (m) => `${m[1]} 必须是上传到 /api/photos 的照片`],
  [field(String.raw`must hold at most (\d+) photos`), (m) => `${m[1]} 最多 ${m[2]} 张照片`],
  [
    field('must be 1–3 dotted lower_snake_case parts'),
    (m) => `${m[1]} 必须由 1–3 段以点分隔的 lower_snake_case 组成`,
  ],
  [
    /^level must be category, subcategory or type for this key$/,
    () => 'level 必须是 category、subcategory 或 type',
  ],
  [/^level must be (\w+) for this key$/, (m) => `此 key 的 level 必须是 ${m[1]}`],
  [/^startMinute and endMinute must be 0–1439$/, () => 'startMinute 和 endMinute 必须在 0–1439 之间'],
  [/^equals needs a metric$/, () => 'equals 需要同时指定 metric'],
  [/^conditions must be an array of 1 to 10 conditions$/, () => 'conditions 必须包含 1 到 10 个条件'],
  [/^repeat\.count must not exceed repeat\.of$/, () => 'repeat.count 不能大于 repeat.of'],
  [field('must not repeat a severity'), (m) => `${m[1]} 中的级别不能重复`],
  [
    field(String.raw`must be above (-?[\d.]+), where the milder (\w+) band starts \((\w+) is graver\)`),
    (m) =>
      `${m[1]} 必须高于 ${m[2]}：较轻的${codeLabel(m[3]!)}档从 ${m[2]} 起报，${codeLabel(m[4]!)}更严重，阈值须更高`,
  ],
  [field('must not be above the lowest band'), (m) => `${m[1]} 不能高于最低一档的阈值`],
  [
    field(String.raw`must be below (-?[\d.]+), where the milder (\w+) band starts \((\w+) is graver\)`),
    (m) =>
      `${m[1]} 必须低于 ${m[2]}：较轻的${codeLabel(m[3]!)}档从 ${m[2]} 起报，${codeLabel(m[4]!)}更严重，阈值须更低`,
  ],
  [field('must not be below the highest band'), (m) => `${m[1]} 不能低于最高一档的阈值`],
  [field('must be a number or a boolean'), (m) => `${m[1]} 必须是数字或布尔值`],
  [
    field(String.raw`(\w+) is not reported by (\S+) \(it reports (.+)\)`),
    (m) =>
      `${m[1]}：${m[3]} 设备不上报 ${m[2]}` +
      (m[4] === 'events only' ? '（它只上报事件）' : `（它上报 ${m[4]}）`),
  ],
  [
    /^payload\.severity must be info, warning, critical or null \(resolved\)$/,
    () => 'payload.severity 必须是 info、warning、critical 或 null（已解除）',
  ],
];

/** The common shapes, `<field> is required`, `<field> must be one of …`: tried after all others. */
export const FIELD_SHAPES_ZH_CN: readonly ApiMessagePattern[] = [
  [field('is required'), (m) => `${m[1]} 为必填项`],
  [field('is required \\(≤ (\\d+) characters\\)'), (m) => `${m[1]} 为必填项（不超过 ${m[2]} 个字符）`],
  [field('must be (\\d+)–(\\d+) characters'), (m) => `${m[1]} 必须是 ${m[2]}–${m[3]} 个字符`],
  [field('must be (\\d+)–(\\d+) of (.+)'), (m) => `${m[1]} 必须是 ${m[2]}–${m[3]} 个字符，只能包含 ${m[4]}`],
  // Condition shapes are listed as `a, or b`.
  [
    field('must be one of:? (.+)'),
    (m) =>
      /^[\w-]+(?:, [\w-]+)*$/.test(m[2]!)
        ? `${m[1]} 必须是以下之一：${m[2]!.split(', ').map(codeLabel).join('、')}`
        : `${m[1]} 必须是以下之一：${m[2]!.split(', or ').join('；')}`,
  ],
  [field('must be ((?:[\\w-]+, )*[\\w-]+) or ([\\w-]+)'), (m) => `${m[1]} 必须是 ${orList(m[2]!, m[3]!)}`],
  [field('must be a list of (.+)'), (m) => listOf(m[1]!, m[2]!)],
  [field('must be a non-empty (?:list|array)'), (m) => `${m[1]} 必须是非空列表`],
  [field('must be a non-empty string'), (m) => `${m[1]} 不能为空`],
  [field('must be a string'), (m) => `${m[1]} 必须是文本`],
  [field('must be a number'), (m) => `${m[1]} 必须是数字`],
  [field('must be a number above 0'), (m) => `${m[1]} 必须是大于 0 的数字`],
  [field('must be a number above 0 and at most (\\d+)'), (m) => `${m[1]} 必须大于 0 且不超过 ${m[2]}`],
  [field('must be a positive integer'), (m) => `${m[1]} 必须是正整数`],
  [field('must be an integer'), (m) => `${m[1]} 必须是整数`],
  [field('must be an integer (-?\\d+)–(-?\\d+)'), (m) => `${m[1]} 必须是 ${m[2]}–${m[3]} 的整数`],
  [field('must be (-?[\\d.]+)–(-?[\\d.]+)'), (m) => `${m[1]} 必须在 ${m[2]}–${m[3]} 之间`],
  [field('must be an object'), (m) => `${m[1]} 必须是对象`],
  [field('must be an id'), (m) => `${m[1]} 必须是编号`],
  [field('must be HH:MM'), (m) => `${m[1]} 必须是 HH:MM 格式`],
  [field('must match (.+)'), (m) => `${m[1]} 必须符合 ${m[2]}`],
  [field('must be ([\\w-]+)'), (m) => `${m[1]} 必须是 ${codeLabel(m[2]!)}`],
];
