import { COHANDLE_MESSAGES_ZH_CN } from './api-cohandle.zh-CN';
import { ASSESSMENT_MESSAGES_ZH_CN } from './api-assessment.zh-CN';
import { DELIVERY_ERRORS_ZH_CN } from './api-delivery.zh-CN';
import { FIELD_DETAILS_ZH_CN, FIELD_SHAPES_ZH_CN } from './api-details.zh-CN';
import { FIELD_MESSAGES_ZH_CN } from './api-field.zh-CN';
import { FUSION_MESSAGES_ZH_CN } from './api-fusion.zh-CN';
import { OFFLINE_REPLAY_ZH_CN } from './api-offline.zh-CN';
import { PLACE_MESSAGES_ZH_CN } from './api-places.zh-CN';
import { zhCN } from './zh-CN';

/**
 * 简体中文 for the texts the API writes in English: error messages and validation details.
 * A render may decline (undefined) when a captured part has no translation, so the next pattern
 * is tried and nothing half-English is shown. Field names, ids and codes are kept as sent.
 */
export type ApiMessagePattern = readonly [RegExp, (match: RegExpExecArray) => string | undefined];

const labels = zhCN as Record<string, string>;
/** A code's console label (`role.grid_worker` → 网格员), or the code itself. */
const label = (prefix: string, code: string): string => labels[`${prefix}.${code}`] ?? code;

/** A boundary ring as core names it: `the outer ring`, `hole 2`. */
const ringName = (ring: string): string =>
  ring === 'the outer ring' ? '外环' : ring.replace(/^hole (\d+)$/, '第 $1 个内环');

/** What the API names by kind and id (`grid G07 not found`, `no channel ops-robot`). */
const THINGS: Record<string, string> = {
  rule: '规则',
  person: '人员',
  user: '用户',
  department: '部门',
  grid: '网格',
  region: '区域',
  device: '设备',
  case: '工单',
  category: '类别',
  parent: '上级类别',
  channel: '通知渠道',
  'dispatch rule': '派遣规则',
  'roster shift': '排班',
  warning: '预警',
};
const missing = (kind: string, id: string): string | undefined =>
  Object.hasOwn(THINGS, kind) ? `${THINGS[kind]} ${id} 不存在` : undefined;

/** Whole messages: permissions, things not found, conflicts and the case workflow's refusals. */
const MESSAGES: readonly ApiMessagePattern[] = [
  [/^please log in$/, () => '请先登录'],
  [/^wrong username or password$/, () => '用户名或密码错误'],
  [/^username and password are required$/, () => '请输入用户名和密码'],
  [/^too many attempts; try again later$/, () => '尝试次数过多，请稍后再试'],
  [/^wrong or missing EMQX shared secret$/, () => 'EMQX 共享密钥错误或缺失'],
  [
    /^a JSON body with the fields of the EMQX request template is required$/,
    () => '请求体须为包含 EMQX 请求模板各字段的 JSON',
  ],
  [/^change your password first$/, () => '请先修改密码'],
  [/^enter the code from your authenticator app$/, () => '请输入身份验证器应用中的验证码'],
  [/^wrong or used code$/, () => '验证码错误或已使用'],
  [/^set up two-factor sign-in first$/, () => '请先设置双因素登录'],
  [/^code and recoveryCode must be text$/, () => '验证码和恢复码须为文本'],
  [/^code is required$/, () => '请输入验证码'],
  [
    /^two-factor sign-in is already on; an administrator can reset it$/,
    () => '双因素登录已开启，如需更换请联系管理员重置',
  ],
  [/^start two-factor enrolment first$/, () => '请先开始设置双因素登录'],
  [/^invalid code$/, () => '验证码有误'],
  [/^cross-site request refused$/, () => '已拒绝来自其他网站的请求'],
  [/^currentPassword and newPassword are required$/, () => '请输入当前密码和新密码'],
  [/^invalid password$/, () => '密码不符合要求'],
  [/^internal error$/, () => '服务器内部错误，请稍后重试'],
  [/^request entity too large$/, () => '提交的内容过大'],
  [/^no API route (\S+) (\S+)$/, (m) => `接口不存在：${m[1]} ${m[2]}`],
  [/^the request path does not decode$/, () => '请求路径的编码有误'],
  [/^the flow editor is starting; try again in a moment$/, () => '流程编辑器正在启动，请稍后再试'],
  [
    /^give ids \(up to 500 notice numbers\) or upTo \(a notice number\)$/,
    () => '请提供 ids（最多 500 个通知编号）或 upTo（一个通知编号）',
  ],

  [/^rules are for engineers and admins$/, () => '只有工程师和管理员可以管理告警规则'],
  [/^the registry is for engineers and admins$/, () => '只有工程师和管理员可以管理设备台账'],
  [/^only administrators manage grids and people$/, () => '只有管理员可以管理网格和人员'],
  [/^only administrators may change case rules$/, () => '只有管理员可以修改工单配置'],
  [/^only administrators see the delivery log$/, () => '只有管理员可以查看发送记录'],
  [/^the audit log is for the command centre$/, () => '只有指挥中心可以查看审计日志'],
  [/^analytics are for the command centre and supervisors$/, () => '只有指挥中心和督办员可以查看统计分析'],
  [/^only the command centre may see callers$/, () => '只有指挥中心可以查看来电人信息'],
  [/^only the command centre and the desks dispatch cases$/, () => '只有指挥中心和督办员可以派遣工单'],
  [/^(\w+) may not file patrol reports$/, (m) => `${label('role', m[1]!)}不能提交巡查上报`],
  [/^(\w+) may not enter hotline calls$/, (m) => `${label('role', m[1]!)}不能登记热线来电`],
  [
    /^early warnings are for the command centre and supervisors$/,
    () => '只有指挥中心和督办员可以查看和处理预警',
  ],
  // 预警 (web/src/routes/warning.routes.ts, alerts/src/early-warning-service.ts)
  [/^warning (\S+) is no longer open$/, (m) => `预警 ${m[1]} 已不是待处理状态（可能已被他人处理）`],
  [/^warning (\S+) has no grid to open a case in$/, (m) => `预警 ${m[1]} 没有可开立工单的网格`],
  [/^state must be open, acknowledged or case_opened$/, () => '状态须为 open、acknowledged 或 case_opened'],
  [/^severity must be one of ([\w, ]+)$/, (m) => `紧急程度须为 ${m[1]} 之一`],
  [/^note must be text of at most 1000 characters$/, () => '说明最多 1000 个字符'],
  [/^title must be text of at most 200 characters$/, () => '标题最多 200 个字符'],
  [/^description must be text of at most 2000 characters$/, () => '描述最多 2000 个字符'],

  [/^invalid rule$/, () => '规则有误'],
  [/^invalid backtest$/, () => '回测参数有误'],
  [/^invalid person$/, () => '人员信息有误'],
  [/^invalid change$/, () => '无法修改'],
  [/^invalid duty$/, () => 'A/B 角设置有误'],
  [/^invalid device$/, () => '设备信息有误'],
  [/^invalid boundary$/, () => '边界有误'],
  [/^invalid grid$/, () => '网格信息有误'],
  [/^invalid region$/, () => '区划信息有误'],
  [/^invalid filter$/, () => '筛选条件有误'],
  [/^invalid series query$/, () => '数据查询参数有误'],
  [/^invalid push subscription$/, () => '推送订阅有误'],
  [/^invalid patrol report$/, () => '巡查上报内容有误'],
  [/^invalid hotline entry$/, () => '热线登记内容有误'],
  [/^invalid case search$/, () => '工单查询条件有误'],
  [/^each filter may be given once$/, () => '每个筛选条件只能给一次'],
  [/^unknown filter (\S+)$/, (m) => `未知的筛选条件 ${m[1]}`],
  [/^state must be open, all or a case state$/, () => '状态须为 open、all 或某个工单状态'],
  [/^category must be a category key$/, () => '类别须为类别编码'],
  [/^gridId must be a grid id$/, () => 'gridId 须为网格编号'],
  [/^assignee must be a person id or none$/, () => '承办人须为人员编号或 none'],
  [/^source must be auto, patrol or hotline$/, () => '来源须为 auto、patrol 或 hotline'],
  [/^from must not be after to$/, () => '开始时间不能晚于结束时间'],
  [/^the search text must be at most (\d+) characters$/, (m) => `搜索文字最多 ${m[1]} 个字`],
  [/^awaiting must be verification$/, () => 'awaiting 只能为 verification'],
  [/^dueBefore must be epoch milliseconds$/, () => 'dueBefore 须为毫秒时间戳'],
  [/^sort must be newest, deadline or severity$/, () => '排序须为 newest、deadline 或 severity'],
  [/^limit must be 1–(\d+)$/, (m) => `limit 须在 1–${m[1]} 之间`],
  [/^offset must be 0–(\d+)$/, (m) => `offset 须在 0–${m[1]} 之间`],
  [/^invalid case action$/, () => '工单操作有误'],
  // 智能分拨 (POST /api/intake/suggest, GET /api/intake/agreement)
  [/^invalid suggestion request$/, () => '分拨建议请求有误'],
  [/^text is empty$/, () => '描述为空'],
  [/^text is longer than (\d+) characters$/, (m) => `描述超过 ${m[1]} 个字`],
  [/^suggested must be up to three taxonomy keys$/, () => 'suggested 最多为三个分类编码'],
  [/^from must be epoch milliseconds$/, () => 'from 须为毫秒时间戳'],
  // 人工合并 (POST /api/cases/:id/merge)
  [/^invalid merge$/, () => '合并请求有误'],
  [/^caseId must be the id of the case to merge$/, () => 'caseId 须为要并入的工单编号'],
  [/^note must be text of at most 500 characters$/, () => '说明最多 500 个字符'],
  [/^only caseId and note may be given$/, () => '只能提供 caseId 和 note'],
  [/^these cases cannot be merged$/, () => '这两个工单不能合并'],
  [/^a case cannot be merged into itself$/, () => '工单不能并入自身'],
  [/^the case to merge into must be open and not yet resolved$/, () => '要并入的目标工单须未办结'],
  [/^the case to merge must be open and not yet resolved$/, () => '被并入的工单须未办结'],
  [/^a case with cases under it cannot be merged$/, () => '下挂有子工单的工单不能被并入'],
  [/^a case cannot be merged into a case under it$/, () => '工单不能并入其下挂的子工单'],
  [/^invalid classification$/, () => '事件类别有误'],
  [/^invalid input$/, () => '输入有误'],
  [/^invalid export record$/, () => '导出记录有误'],
  [/^invalid audit query$/, () => '审计日志查询条件有误'],

  [/^rule (\S+) has no version (\d+)$/, (m) => `规则 ${m[1]} 没有第 ${m[2]} 版`],
  [/^rule (\S+) already exists$/, (m) => `规则 ${m[1]} 已存在`],
  [
    /^rule (\S+) changed meanwhile; reload it and try again$/,
    (m) => `规则 ${m[1]} 已被他人修改，请重新加载后再试`,
  ],
  [/^case (\S+) changed meanwhile; reload and try again$/, (m) => `工单 ${m[1]} 已被他人修改，请刷新后再试`],
  [/^a rule keeps its id$/, () => '规则编号不能修改'],
  [/^(\w+) (\S+) (?:not found|does not exist)$/, (m) => missing(m[1]!, m[2]!)],
  [/^no ((?:dispatch |roster )?\w+) (\S+)$/, (m) => missing(m[1]!, m[2]!)],
  [/^no such photo$/, () => '照片不存在'],
  [/^no such subscription$/, () => '推送订阅不存在'],
  [/^send a JPEG, PNG or WebP image as the request body$/, () => '请上传 JPEG、PNG 或 WebP 格式的照片'],
  [/^too many photos uploaded in the last 24 hours$/, () => '24 小时内上传的照片数量已达上限'],
  [/^too many photo bytes uploaded in the last 24 hours$/, () => '24 小时内上传的照片总大小已达上限'],

  [/^case (\S+) is not in grid (\S+)$/, (m) => `工单 ${m[1]} 不在网格 ${m[2]} 内`],
  [/^grid (\S+) is not in your region$/, (m) => `网格 ${m[1]} 不在您的辖区内`],
  [/^the location is outside every grid$/, () => '该位置不在任何网格内'],
  [/^(\S+) is not a grid worker, handler or supervisor$/, (m) => `${m[1]} 不是网格员、部门处置员或督办员`],
  [/^(\S+) is outside the case's region$/, (m) => `${m[1]} 不在该工单所在辖区内`],
  [/^outside your region$/, () => '超出您的辖区'],
  [
    /^only grid workers, handlers and supervisors take cases$/,
    () => '只有网格员、部门处置员和督办员可以承办工单',
  ],
  [/^rule (\S+) reaches outside your region$/, (m) => `规则 ${m[1]} 的适用范围超出您的辖区`],
  [/^the flow editor is for engineers and admins$/, () => '只有工程师和管理员可以编辑流程'],
  [
    /^dispatching to (\S+) instead of the suggested (\S+) needs a reason \(note\)$/,
    (m) => `未按建议派遣给 ${m[2]}，改派给 ${m[1]} 需填写改派理由（note）`,
  ],

  [/^cannot (\w+) a (\w+) case$/, (m) => `工单${label('state', m[2]!)}，不能${label('action', m[1]!)}`],
  [
    /^(\w+) may not (\w+) this case$/,
    (m) => `${label('role', m[1]!)}无权对此工单执行“${label('action', m[2]!)}”`,
  ],
  [/^a return needs a reason code$/, () => '退单需选择退单原因'],
  [/^the case is already paused$/, () => '工单已暂停'],
  [/^the case is not paused$/, () => '工单未暂停'],
  [/^pausing needs a reason$/, () => '暂停需填写原因'],
  [/^resolving needs a note$/, () => '办结需填写处置说明'],
  [/^a safety case needs at least one photo$/, () => '安全类工单办结须附至少一张照片'],
  [/^verification must be by someone other than the resolver$/, () => '核查须由办结人以外的人员进行'],
  [/^"not solved" needs a reason$/, () => '评价为“未解决”时需填写原因'],
  [/^reopening needs a reason$/, () => '重新打开需填写原因'],
  [/^failing verification needs a reason$/, () => '核查不通过需填写原因'],
  [/^a duplicate must name the case it repeats$/, () => '重复件须填写所重复的工单编号'],
  [/^a case cannot be a duplicate of itself$/, () => '工单不能是自身的重复件'],
  [/^closing as void or false alarm needs a reason$/, () => '作废或误报关闭需填写原因'],
  [/^duplicateOfId is only for a duplicate$/, () => '只有重复件需要填写 duplicateOfId'],
  [
    /^case (\S+) is itself a duplicate of (\S+): name that one$/,
    (m) => `工单 ${m[1]} 本身是 ${m[2]} 的重复件，请填写原工单 ${m[2]}`,
  ],
  [/^only the command centre and supervisors verify cases$/, () => '只有指挥中心和督导员可以核查工单'],
  [
    /^only the command centre and supervisors close cases as void, false alarm or duplicate$/,
    () => '只有指挥中心和督导员可以作废、按误报或重复件关闭工单',
  ],
  [/^escalating needs a reason$/, () => '升级需填写原因'],
  [/^an extension request is already waiting$/, () => '已有延期申请待审批'],
  [/^the case has no resolve deadline$/, () => '工单没有办结时限，无需延期'],
  [
    /^days must be a whole number (?:of working days )?from 1 to (\d+)$/,
    (m) => `延期天数须为 1–${m[1]} 的整数个工作日`,
  ],
  [/^an extension needs a reason$/, () => '申请延期需填写原因'],
  [/^no extension request is waiting$/, () => '没有待审批的延期申请'],
  [/^an extension is decided by someone other than who asked for it$/, () => '延期须由申请人以外的人员审批'],
  [/^refusing an extension needs a reason$/, () => '驳回延期需填写原因'],
  [/^the case is already under supervision$/, () => '工单已在督办中'],
  [/^the case is not under supervision$/, () => '工单未在督办中'],
  [/^supervision needs a reason$/, () => '督办需填写督办说明'],
  [/^supervised must be true$/, () => 'supervised 只能为 true'],
  [/^only the handler of a case asks for an extension$/, () => '只有工单处置人可以申请延期'],
  [
    /^only the command centre and supervisors decide extension requests$/,
    () => '只有指挥中心和督导员可以审批延期申请',
  ],
  [/^only supervisors put cases under supervision$/, () => '只有督导员可以督办工单'],
  [/^the case is already at the (\w+) level$/, (m) => `工单已处于${label('level', m[1]!)}级`],

  [
    /^offline rules cannot be backtested: device status history is not stored$/,
    () => '离线规则无法回测：平台不保存设备在线状态历史',
  ],
  [/^name a metric to backtest a no-data rule on (\S+)$/, (m) => `回测 ${m[1]} 的无数据规则需指定 metric`],
  [
    /^more than (\d+) readings and events: narrow the range$/,
    (m) => `读数和事件超过 ${m[1]} 条，请缩小时间范围`,
  ],
  [
    /^more than (\d+) devices in scope: narrow the scope$/,
    (m) => `范围内设备超过 ${m[1]} 台，请缩小规则范围`,
  ],
  [/^at most 31 days per backtest$/, () => '每次回测最多 31 天'],
  [/^at most ([\d,]+) windows per query$/, (m) => `每次查询最多 ${m[1]} 个时间窗口`],
  [/^from must be before to \(epoch ms\)$/, () => 'from 必须早于 to（毫秒时间戳）'],
  [/^from must be before to, at most a year apart$/, () => 'from 必须早于 to，且相隔不超过一年'],
  [/^from and to must be epoch milliseconds$/, () => 'from 和 to 必须是毫秒时间戳'],
  [/^version \(the version you edited\) is required$/, () => '缺少 version（您编辑时的版本号）'],
  [/^toVersion is required$/, () => '缺少 toVersion'],
];

/** Grid boundaries (GeoJSON), checked by the console before saving and by the server again. */
const BOUNDARIES: readonly ApiMessagePattern[] = [
  [
    /^boundary is required: a GeoJSON Feature or FeatureCollection with a Polygon$/,
    () => 'boundary 为必填项：需要内含 Polygon 的 GeoJSON Feature 或 FeatureCollection',
  ],
  [
    /^overlaps grid (\S+) \((.*)\) by ([\d,]+) m² \(([\d.]+) % of the smaller grid\)$/,
    (m) => `与网格 ${m[1]}（${m[2]}）重叠 ${m[3]} 平方米（占较小网格的 ${m[4]} %）`,
  ],
  [
    /^lies outside (community|street|district) (\S+) \((.*)\) by ([\d,]+) m² \(([\d.]+) % of the grid\)$/,
    (m) =>
      `超出${{ community: '社区', street: '街道', district: '区' }[m[1] as 'community']} ${m[2]}（${m[3]}）` +
      `边界 ${m[4]} 平方米（占本网格的 ${m[5]} %）`,
  ],
  [/^the file is not a GeoJSON object$/, () => '文件不是 GeoJSON 对象'],
  [
    /^the FeatureCollection must hold exactly 1 feature \(it has (\d+)\)$/,
    (m) => `FeatureCollection 必须只含 1 个要素（现有 ${m[1]} 个）`,
  ],
  [/^the feature has no geometry$/, () => '要素没有几何图形'],
  [
    /^a grid boundary must be one polygon; this MultiPolygon has several parts$/,
    () => '网格边界必须是一个多边形，此 MultiPolygon 包含多个部分',
  ],
  [
    /^the geometry must be a Polygon or MultiPolygon, not (.+)$/,
    (m) => `几何类型必须是 Polygon 或 MultiPolygon，而不是 ${m[1]}`,
  ],
  [/^the polygon has no rings$/, () => '多边形没有任何环'],
  [/^the feature is for grid (\S+), not (\S+)$/, (m) => `文件中的要素属于网格 ${m[1]}，不是 ${m[2]}`],
  [/^(the outer ring|hole \d+) must be a list of positions$/, (m) => `${ringName(m[1]!)}必须是坐标点列表`],
  [
    /^(the outer ring|hole \d+) needs at least 4 positions \(it has (\d+)\)$/,
    (m) => `${ringName(m[1]!)}至少需要 4 个坐标点（现有 ${m[2]} 个）`,
  ],
  [
    /^(the outer ring|hole \d+) position (\d+) must be \[longitude, latitude\]$/,
    (m) => `${ringName(m[1]!)}第 ${m[2]} 个坐标点必须是 [经度, 纬度]`,
  ],
  [
    /^(the outer ring|hole \d+) position (\d+) is outside WGS-84 \(longitude −180…180, latitude −90…90\)$/,
    (m) => `${ringName(m[1]!)}第 ${m[2]} 个坐标点超出 WGS-84 范围（经度 −180…180，纬度 −90…90）`,
  ],
  [
    /^(the outer ring|hole \d+) has (\d+) positions; at most (\d+)$/,
    (m) => `${ringName(m[1]!)}有 ${m[2]} 个坐标点，最多 ${m[3]} 个`,
  ],
  [
    /^(the outer ring|hole \d+) has (\d+) more bad positions$/,
    (m) => `${ringName(m[1]!)}另有 ${m[2]} 个坐标点有误`,
  ],
  [/^the polygon has (\d+) rings; at most (\d+)$/, (m) => `多边形有 ${m[1]} 个环，最多 ${m[2]} 个`],
  [/^the polygon has (\d+) positions; at most (\d+)$/, (m) => `多边形有 ${m[1]} 个坐标点，最多 ${m[2]} 个`],
  [
    /^boundary is too complex to check for overlaps in time$/,
    () => '边界过于复杂，无法及时检查与其他网格的重叠',
  ],
  [
    /^(the outer ring|hole \d+) is not closed: its last position must repeat its first$/,
    (m) => `${ringName(m[1]!)}未闭合：最后一个坐标点必须与第一个相同`,
  ],
];

/** The audit chain's verdicts (`GET /api/audit/verify`); times stay as sent (ISO, UTC). */
const AUDIT_VERDICTS: readonly ApiMessagePattern[] = [
  [/^entry (\d+) is missing$/, (m) => `第 ${m[1]} 条缺失`],
  [/^does not link to the previous entry$/, () => '与上一条记录衔接不上'],
  [/^content does not match its hash$/, () => '内容与其哈希不符'],
  [/^differs from the entry anchored at (\S+)$/, (m) => `与 ${m[1]} 在数据库外锚定的记录不同`],
  [
    /^the chain ends at entry (\d+), but entry (\d+) was anchored at (\S+): its newest entries were removed$/,
    (m) => `链止于第 ${m[1]} 条，但第 ${m[2]} 条已于 ${m[3]} 锚定：最新的记录被删除了`,
  ],
  [
    /^the keyed chain starts at entry (\d+), but at entry (\d+) when anchored at (\S+)$/,
    (m) => `密钥链从第 ${m[1]} 条开始，但 ${m[3]} 锚定时从第 ${m[2]} 条开始`,
  ],
  [/^the start of the keyed chain is not recorded$/, () => '密钥链的起点没有记录'],
  [/^line (\d+) of the anchor file is not an anchor$/, (m) => `锚点文件第 ${m[1]} 行不是锚点`],
  [
    /^line (\d+) of the anchor file is not sealed with the audit key$/,
    (m) => `锚点文件第 ${m[1]} 行没有用审计密钥签名`,
  ],
];

function withField(name: string, message: string): string | undefined {
  const text = translateApiText(message);
  return text === undefined ? undefined : `${name}：${text}`;
}

/** `boundary: …`, `departmentId: …`: a field, then a message of its own. */
const PREFIXED: readonly ApiMessagePattern[] = [[/^([\w.[\]]+): (.+)$/, (m) => withField(m[1]!, m[2]!)]];

/** In order: the first pattern that matches and renders wins, so the specific come first. */
export const API_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  ...MESSAGES,
  ...PLACE_MESSAGES_ZH_CN,
  ...ASSESSMENT_MESSAGES_ZH_CN,
  ...COHANDLE_MESSAGES_ZH_CN,
  ...BOUNDARIES,
  ...AUDIT_VERDICTS,
  ...DELIVERY_ERRORS_ZH_CN,
  ...FUSION_MESSAGES_ZH_CN,
  ...FIELD_MESSAGES_ZH_CN,
  ...FIELD_DETAILS_ZH_CN,
  ...FIELD_SHAPES_ZH_CN,
  ...OFFLINE_REPLAY_ZH_CN,
  ...PREFIXED,
];

/** The Chinese for one API text, or undefined when no pattern knows it. */
export function translateApiText(text: string): string | undefined {
  for (const [pattern, render] of API_MESSAGES_ZH_CN) {
    const match = pattern.exec(text);
    const translated = match ? render(match) : undefined;
    if (translated !== undefined) return translated;
  }
  return undefined;
}
