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
  'fusion.admin.title': 'Alarm fusion and suppression',
  'fusion.admin.hint':
    'Alarms of related device types within the distance and time join one case; while a parent incident (a community power cut) is open, the child alarms under it join its case. The next alarm uses what is saved here.',
  'fusion.admin.edit': 'Edit fusion and suppression',
  'fusion.admin.groups': 'Fusion groups',
  'fusion.admin.key': 'Key',
  'fusion.admin.categories': 'Categories',
  'fusion.admin.deviceTypes': 'Device types',
  'fusion.admin.radius': 'Distance (m)',
  'fusion.admin.window': 'Window (minutes)',
  'fusion.admin.addGroup': 'Add a fusion group',
  'fusion.admin.removeGroup': 'Remove fusion group {key}',
  'fusion.admin.suppression': 'Suppression rules',
  'fusion.admin.scope': 'Scope',
  'fusion.admin.parents': 'Parent categories',
  'fusion.admin.children': 'Child categories',
  'fusion.admin.addRule': 'Add a suppression rule',
  'fusion.admin.removeRule': 'Remove suppression rule {n}',
  'fusion.admin.noGroups': 'No fusion groups: every alarm opens a case of its own',
  'fusion.admin.ruleText': 'A {parents} case covers {children} alarms in the same {scope}',
};
