import type { fusionZhCN } from './fusion.zh-CN';

/** English texts of case fusion; the same keys as `fusion.zh-CN.ts`. */
export const fusionEn: Record<keyof typeof fusionZhCN, string> = {
  'fusion.device': 'Device',
  'fusion.place': 'Place',
  'fusion.caller': 'Caller',
  'fusion.reporter': 'Reported by',
  'fusion.snapshot': 'Camera frame',
  'fusion.severityRaised': 'Severity raised from {from} to {to}',
  'fusion.related':
    'Same grid, kind and time, but not joined by itself (not an alarm near the same devices). If it is the same matter, merge it into this case (it closes as a duplicate):',
  'noticeKind.severity_raised': 'Severity raised',
  'fusion.merge': 'Merge into this case',
  'fusion.mergeConfirm': 'Confirm merge',
  'fusion.mergeNamed': 'Merge “{title}” into this case',
  'fusion.merged': 'Merged into this case: {title}',
  'action.merged': 'Merged by hand',
};
