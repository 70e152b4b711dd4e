import type { intakeZhCN } from './intake.zh-CN';

/** English texts of the case list's search and paging, hotline intake and the caller; the same keys as `intake.zh-CN.ts`. */
export const intakeEn: Record<keyof typeof intakeZhCN, string> = {
  'list.search': 'Search',
  'list.searchHint': 'Title, description or address',
  'list.filterAssignee': 'Lead',
  'list.anyAssignee': 'Anyone',
  'list.assigneeMe': 'Led by me',
  'list.assigneeNone': 'Nobody yet',
  'list.filterSource': 'Source',
  'list.anySource': 'Any source',
  'list.from': 'Opened from',
  'list.to': 'Opened to',
  'list.awaitingMine': 'Awaiting my check',
  'list.clear': 'Clear filters',
  'list.range': '{first}–{last} of {total}',
  'list.prev': 'Previous',
  'list.next': 'Next',
  'list.pages': 'Pages',

  'intake.subcategory': 'Subcategory',
  'intake.caseType': 'Type',
  'intake.unspecified': '(not narrowed)',
  'intake.where': 'Where',
  'intake.findPlace': 'Find a street, community or grid',
  'intake.findHint': "Type a name and pick a grid from the district's directory, or tap the spot on the map",
  'intake.noPlace': 'No street, community or grid here is called “{text}”',
  'intake.chosenGrid': 'Grid: {grid}',
  'intake.pointInGrid': 'The point on the map is in {grid}',
  'intake.pointOutside': 'The point on the map is outside every grid',
  'intake.clearPoint': 'Clear the point on the map',
  'intake.needPlace': 'Pick a grid or tap the spot on the map',

  'detail.caller': 'Caller',
};
