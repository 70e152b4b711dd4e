import type { offlineZhCN } from './offline.zh-CN';

/** English texts of the phone working offline; the same keys as `offline.zh-CN.ts`. */
export const offlineEn: Record<keyof typeof offlineZhCN, string> = {
  'offline.title': 'Offline',
  'offline.asOf': 'showing data as of {time}',
  'offline.keepWorking':
    'Accept, arrive, resolve, co-handling reports and patrol reports are kept on this phone and sent in order when the connection returns',
  'offline.queued': '{action} queued; it is sent when the connection returns',
  'offline.reportQueued': 'Report queued; it is sent when the connection returns',
  'offline.waitingMoves': 'Waiting to send: {moves}',
  'offline.subtaskWaiting': 'Co-handling move waiting; it is sent when the connection returns',
  'offline.outbox': 'Outbox',
  'offline.state.queued': 'Waiting',
  'offline.state.sending': 'Sending',
  'offline.state.sent': 'Sent',
  'offline.state.refused': 'Refused',
  'offline.report': 'Patrol report',
  'offline.madeAt': 'made {time}',
  'offline.photos': '{n} photo(s)',
  'offline.refusedBecause': 'The server refused it: {reason}',
  'offline.photoMissing': 'the photo is no longer on this phone',
  'offline.sendNow': 'Send now',
  'offline.clear': 'Clear finished',
  'offline.heldPhoto': 'Photo (uploaded when online)',
  'offline.listSeparator': ', ',
};
