import type { fieldZhCN } from './field.zh-CN';

/** English texts of the grid worker in the field; the same keys as `field.zh-CN.ts`. */
export const fieldEn: Record<keyof typeof fieldZhCN, string> = {
  'field.takePhoto': 'Take photo',
  'field.choosePhoto': 'Choose photo',
  'field.photoProgress': 'Upload of {name}',
  'field.photoCancel': 'Cancel upload',
  'field.arriveTitle': 'Arrive on site',
  'field.locating': 'Getting your position…',
  'field.positionFound': 'Position recorded',
  'field.positionFoundWithin': 'Position recorded (within about {m} m)',
  'field.positionNone': 'No position (not allowed or no signal); you can still confirm arrival',
  'field.locateAgain': 'Locate again',
  'field.arrivePhoto': 'Site photo (optional)',
  'field.arriveSubmit': 'Confirm arrival',
  'field.place': 'Place',
  'field.navAmap': 'Navigate (AMap)',
  'field.navBaidu': 'Navigate (Baidu)',
  'field.navOther': 'Other map app',
  'field.contacts': 'Contacts',
  'field.call': 'Call {name}',
  'field.contactRole.dispatcher': 'dispatcher',
  'field.contactRole.reporter': 'reporter',
  'field.contactRole.assignee': 'lead',
  'field.contactRole.co_handler': 'co-handler',
  'deliveryTarget.person': 'Work message (DingTalk / WeCom / SMS)',
};
