import { inEnglish, parseHotlineEntry, type User } from '@gridsense/core';
import type { CaseService } from './cases/service';

/** What the demo's hotline scene leaves: one report declined, one returned upstream, one waiting. */
export interface DemoOutcomes {
  declinedCaseId: string;
  returnedUpstreamCaseId: string;
  waitingCaseId: string;
}

/**
 * 12345 calls as a fresh demo shows them (decision 0029): the operator entered three; one was
 * declined at registration (不予立案, not a governance matter), one returned upstream (非属地, it lies
 * in the neighbouring district) and one waits in the 待立案 queue with its clock. Their categories
 * are registered by hand, so each waited for the desk as a real call would.
 */
export async function stageDemoOutcomes(
  operator: User,
  cases: Pick<CaseService, 'hotline' | 'act'>,
): Promise<DemoOutcomes> {
  const call = async (gridId: string, category: string, title: string, description: string) => {
    const parsed = parseHotlineEntry({
      title,
      description,
      category,
      severity: 'info',
      gridId,
      callerName: '市民来电',
      callerPhone: '12345000000',
    });
    if (!parsed.ok)
      throw new Error(`the demo call "${title}" is invalid: ${inEnglish(parsed.errors).join('; ')}`);
    const outcome = await cases.hotline(operator, parsed.value);
    if (outcome.case.state !== 'reported')
      throw new Error(`the demo call "${title}" did not wait for 立案 (${outcome.case.state})`);
    return outcome.case.id;
  };
  const declinedCaseId = await call(
    'G02',
    'public_order',
    '来电反映邻居家长期争吵',
    '来电人称楼上夫妻经常争吵，希望社区管一管，未反映噪声扰民或人身危险',
  );
  await cases.act(operator, declinedCaseId, {
    action: 'decline',
    reason: 'not_governance',
    note: '家庭矛盾不属网格事件，已告知来电人可向社区调委会申请调解',
  });
  const returnedUpstreamCaseId = await call(
    'G03',
    'construction',
    '来电反映区界外工地夜间施工',
    '来电人称河对岸工地每晚十一点后仍在打桩',
  );
  await cases.act(operator, returnedUpstreamCaseId, {
    action: 'return_upstream',
    reason: 'other_district',
    note: '工地位于河对岸，属邻区管辖，退回 12345 平台转派',
  });
  const waitingCaseId = await call(
    'G01',
    'city_appearance',
    '来电反映小区门口垃圾桶满溢',
    '江城社区东门垃圾桶两天未清运，异味较大',
  );
  return { declinedCaseId, returnedUpstreamCaseId, waitingCaseId };
}
