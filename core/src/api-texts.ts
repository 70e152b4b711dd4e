/**
 * Texts the API answers with (error messages and validation details) as keys with parameters.
 * The server keeps the English of each key here, for logs and API clients; the console renders
 * the same key in the reader's language from its own catalogue. Parameters are codes, numbers and
 * ids, never words, so each language names them itself.
 */
export const API_TEXTS_EN = {
  // Signing in, sessions and the request itself
  'session.logInFirst': 'please log in',
  'session.wrongPassword': 'wrong username or password',
  'session.credentialsRequired': 'username and password are required',
  'session.tooManyAttempts': 'too many attempts; try again later',
  'session.changePasswordFirst': 'change your password first',
  'session.crossSite': 'cross-site request refused',
  'totp.codeRequired': 'enter the code from your authenticator app',
  'totp.wrongOrUsedCode': 'wrong or used code',
  'totp.enrolFirst': 'set up two-factor sign-in first',
  'totp.codesMustBeText': 'code and recoveryCode must be text',
  'totp.codeMissing': 'code is required',
  'totp.alreadyOn': 'two-factor sign-in is already on; an administrator can reset it',
  'totp.startEnrolmentFirst': 'start two-factor enrolment first',
  'totp.invalidCode': 'invalid code',
  'totp.codeMismatch': 'the code does not match; check the time on your phone',
  'password.bothRequired': 'currentPassword and newPassword are required',
  'password.invalid': 'invalid password',
  'password.currentWrong': 'the current password is wrong',
  'mqtt.wrongSecret': 'wrong or missing EMQX shared secret',
  'mqtt.templateBody': 'a JSON body with the fields of the EMQX request template is required',
  'request.internalError': 'internal error',
  'request.tooLarge': 'request entity too large',
  'request.badJson': 'the request body is not valid JSON',
  'request.pathDoesNotDecode': 'the request path does not decode',
  'request.noRoute': 'no API route {method} {path}',
  'request.idempotencyKeyShape': 'Idempotency-Key must be 8 to 100 letters, digits or -_.:',
  'request.idempotencyKeyRunning': 'a request with this Idempotency-Key is still running',
  'request.idempotencyKeyReused': 'this Idempotency-Key was used for a different request',
  'flows.starting': 'the flow editor is starting; try again in a moment',
  'notices.readWhich': 'give ids (up to 500 notice numbers) or upTo (a notice number)',
  'photo.sendImage': 'send a JPEG, PNG or WebP image as the request body',
  'photo.tooMany': 'too many photos uploaded in the last 24 hours',
  'photo.tooManyBytes': 'too many photo bytes uploaded in the last 24 hours',
  'photo.notFound': 'no such photo',
  'push.subscriptionNotFound': 'no such subscription',

  // Things that are not there, or changed meanwhile
  'notFound.case': 'case {id} not found',
  'notFound.device': 'device {id} not found',
  'notFound.grid': 'grid {id} not found',
  'notFound.person': 'person {id} not found',
  'notFound.place': 'place {id} not found',
  'notFound.region': 'region {id} not found',
  'notFound.report': 'report {id} not found',
  'notFound.rule': 'rule {id} not found',
  'notFound.subtask': 'sub-task {id} not found',
  'notFound.warning': 'warning {id} not found',
  'notFound.dispatchRule': 'no dispatch rule {id}',
  'notFound.rosterShift': 'no roster shift {id}',
  'notFound.channel': 'no channel {id}',
  'notFound.ruleVersion': 'rule {id} has no version {version}',
  'conflict.case': 'case {id} changed meanwhile; reload and try again',
  'conflict.subtask': 'sub-task {id} was changed meanwhile; reload and try again',
  'conflict.rule': 'rule {id} changed meanwhile; reload it and try again',
  'conflict.ruleExists': 'rule {id} already exists',

  // The case workflow's refusals (core/src/cases.ts)
  'case.cannotMove': 'cannot {action} a {state} case',
  'case.roleMayNot': '{role} may not {action} this case',
  'case.returnNeedsReason': 'a return needs a reason code',
  'case.alreadyPaused': 'the case is already paused',
  'case.notPaused': 'the case is not paused',
  'case.pauseNeedsReason': 'pausing needs a reason',
  'case.resolveNeedsNote': 'resolving needs a note',
  'case.safetyNeedsPhoto': 'a safety case needs at least one photo',
  'case.verifierNotResolver': 'verification must be by someone other than the resolver',
  'case.rejectNeedsReason': 'failing verification needs a reason',
  'case.duplicateNeedsOriginal': 'a duplicate must name the case it repeats',
  'case.duplicateOfItself': 'a case cannot be a duplicate of itself',
  'case.voidNeedsReason': 'closing as void or false alarm needs a reason',
  'case.satisfactionRange': 'satisfaction must be an integer 1–5',
  'case.notSolvedNeedsReason': '"not solved" needs a reason',
  'case.reopenNeedsReason': 'reopening needs a reason',
  'case.escalateNeedsReason': 'escalating needs a reason',
  'case.alreadyAtLevel': 'the case is already at the {level} level',
  'case.extensionWaiting': 'an extension request is already waiting',
  'case.noResolveDeadline': 'the case has no resolve deadline',
  'case.extensionDays': 'days must be a whole number from 1 to {max}',
  'case.extensionNeedsReason': 'an extension needs a reason',
  'case.noExtensionWaiting': 'no extension request is waiting',
  'case.extensionDecidedByOther': 'an extension is decided by someone other than who asked for it',
  'case.refuseExtensionNeedsReason': 'refusing an extension needs a reason',
  'case.alreadySupervised': 'the case is already under supervision',
  'case.supervisionNeedsReason': 'supervision needs a reason',
  'case.notSupervised': 'the case is not under supervision',

  // A request's shape: summaries of what was wrong, each with details
  'invalid.rule': 'invalid rule',
  'invalid.backtest': 'invalid backtest',
  'invalid.person': 'invalid person',
  'invalid.change': 'invalid change',
  'invalid.duty': 'invalid duty',
  'invalid.device': 'invalid device',
  'invalid.boundary': 'invalid boundary',
  'invalid.grid': 'invalid grid',
  'invalid.region': 'invalid region',
  'invalid.filter': 'invalid filter',
  'invalid.seriesQuery': 'invalid series query',
  'invalid.pushSubscription': 'invalid push subscription',
  'invalid.patrolReport': 'invalid patrol report',
  'invalid.hotlineEntry': 'invalid hotline entry',
  'invalid.caseSearch': 'invalid case search',
  'invalid.caseAction': 'invalid case action',
  'invalid.suggestionRequest': 'invalid suggestion request',
  'invalid.merge': 'invalid merge',
  'invalid.classification': 'invalid classification',
  'invalid.input': 'invalid input',
  'invalid.exportRecord': 'invalid export record',
  'invalid.auditQuery': 'invalid audit query',
  'invalid.contacts': 'invalid contacts',
  'invalid.locale': 'invalid locale',
  'invalid.coHandler': 'invalid co-handler',
  'invalid.subtaskAction': 'invalid sub-task action',
  'invalid.place': 'invalid place',
  'invalid.devices': 'invalid devices',
  'invalid.placeRiskRules': 'invalid place risk rules',
  'invalid.checkIn': 'invalid check-in',
  'invalid.assessmentScheme': 'invalid assessment scheme',
  'invalid.casesCannotMerge': 'these cases cannot be merged',

  // Fields: `{field}` names a field of the request as sent
  'field.required': '{field} is required',
  'field.mustBeString': '{field} must be a string',
  'field.mustBeObject': '{field} must be an object',
  'field.mustBeInteger': '{field} must be an integer',
  'field.mustBeNumber': '{field} must be a number',
  'field.mustBeTrueOrFalse': '{field} must be true or false',
  'field.textAtMost': '{field} must be text of at most {max} characters',
  'field.oneOf': '{field} must be one of {values}',
  'field.epochMs': '{field} must be epoch milliseconds',
  'field.regionId': '{field} must be a region id',
  'field.gridInRegion': '{field} must be a grid in your region',
  'field.oneCaseId': '{field} must be one case id',
  'field.mustEqual': '{field} must be {value}',
  'field.bodyMustBeObject': 'body must be an object',

  // Requests in particular
  'range.epochMs': 'from and to must be epoch milliseconds',
  'range.withinYear': 'from must be before to, at most a year apart',
  'case.listScope': 'scope must be open or all',
  'warning.stateFilter': 'state must be open, acknowledged or case_opened',
  'notices.kindFilter': 'kind must be inapp, push or channel',
  'rule.keepsId': 'a rule keeps its id',
  'rule.versionRequired': 'version (the version you edited) is required',
  'rule.toVersionRequired': 'toVersion is required',
  'rule.outsideRegion': 'rule {id} reaches outside your region',
  'people.usernameTaken': 'username {username} is taken',
  'people.cannotDisableSelf': 'you cannot disable your own account',
  'boundary.tooComplex': 'boundary is too complex to check for overlaps in time',
  'locale.oneOf': 'locale must be zh-CN or en',
  'push.endpointRequired': 'endpoint is required',

  // Fields, in the shapes many requests share
  'field.listOf': '{field} must be a list of {values}',
  'field.lengthRange': '{field} must be {min}–{max} characters',
  'field.textLengthRange': '{field} must be text of {min}–{max} characters',
  'field.charsRange': '{field} must be {min}–{max} of {chars}',
  'field.integerRange': '{field} must be an integer {min}–{max}',
  'field.atLeast': '{field} must be ≥ {min}',
  'field.regionInScope': '{field} must be a region in your scope',
  'field.region': '{field} must be a region',
  'field.gridForWorker': '{field} must be a grid for a grid worker',
  'field.departmentForHandler': '{field} must be a department for a department handler',
  'field.departmentInScope': '{field} must be a department in your scope',
  'field.personInScope': '{field} must be a person in your scope',
  'field.gridWorker': '{field} must be a grid worker',
  'field.disabled': '{field} is disabled',
  'field.districtInRegion': '{field} must be the district in your region',
  'field.streetInRegion': '{field} must be a street in your region',
  'field.communityInRegion': '{field} must be a community in your region',
  'field.latitude': '{field} must be a latitude (−90…90)',
  'field.longitude': '{field} must be a longitude (−180…180)',
  'field.httpUrl': '{field} must be an http(s) URL',
  'field.base64url': '{field} must be base64url',
  'field.pushServiceUrl': '{field} must be the push service URL',
  'field.unknown': 'unknown field {field}',

  // Ranges of time
  'range.beforeTo': 'from must be before to (epoch ms)',
  'range.backtestDays': 'at most 31 days per backtest',
  'range.windows': 'at most 5,000 windows per query',
  'range.fromEpochMs': 'from must be epoch milliseconds',

  // People, devices, regions
  'people.cannotChangeOwnRole': 'you cannot change your own role',
  'people.onlyHandlersHaveDepartment': 'only department handlers have a department',
  'people.dutyOneOf': 'duty must be primary or backup',
  'device.idRegistered': 'id {id} is already registered',
  'device.idReserved': 'ids starting with gridsense- are reserved',
  'device.placeNeedsPosition': 'lat and lng are required: the grid has no boundary to place the device in',
  'region.idTaken': 'id {id} is already a region',
  'region.levelOneOf': 'level must be street, community or grid',
  'boundary.required': 'boundary is required: a GeoJSON Feature or FeatureCollection with a Polygon',
  'boundary.overrun': 'lies outside {level} {id} ({name}) by {areaM2} m² ({percent} % of the grid)',
  'boundary.overlap': 'overlaps grid {id} ({name}) by {areaM2} m² ({percent} % of the smaller grid)',

  // Audit log queries and exports
  'audit.orderOneOf': 'order must be asc or desc',
  'audit.afterOrBefore': 'use afterSeq or beforeSeq, not both',

  // Notification channels and dispatch rules
  'channel.kindOneOf': 'kind must be webhook, dingtalk or wecom',
  'config.noDepartment': 'department {id} does not exist',
  'config.noUser': 'user {id} does not exist',
  'config.noCategory': 'category {id} does not exist',
  'rule.noRegion': 'no region {id}',
  'rule.noDevice': 'no device {id}',

  // Cases: intake, merge, people
  'case.outsideEveryGrid': 'the location is outside every grid',
  'case.gridNotInRegion': 'grid {id} is not in your region',
  'case.notAssignable': '{id} is not a grid worker, handler or supervisor',
  'case.outsideCaseRegion': "{id} is outside the case's region",
  'case.notInGrid': 'case {id} is not in grid {gridId}',
  'merge.caseIdRequired': 'caseId must be the id of the case to merge',
  'merge.onlyCaseIdAndNote': 'only caseId and note may be given',

  // Early warnings
  'warning.noLongerOpen': 'warning {id} is no longer open',
  'warning.noGrid': 'warning {id} has no grid to open a case in',

  // Places and their check-ins
  'place.positionOutsideGrid': 'the position of the place lies outside grid {id}',
  'place.deviceIdsList': 'deviceIds must be a list of at most 50 device ids',
  'place.deviceNotInGrid': 'device {id} is not in grid {gridId}',
  'place.devicesElsewhere': 'devices attached to another place: {ids}',
  'place.position': 'lat and lng must be the position of the place in degrees',
  'place.levelOneOf': 'baseLevel must be green, yellow or red',
  'place.checkInOutside': 'the position is {distanceM} m outside grid {id}: check in at the place',
  'place.checkedInMeanwhile': 'this inspection was just checked in by someone else',
  'photo.notUploaded': '{field} must be photos uploaded to /api/photos',
  'position.shape': 'position must be an object with lat, lng and accuracyM',

  // Grid boundaries (GeoJSON), checked by the console before saving and by the server again
  'boundary.notGeoJson': 'the file is not a GeoJSON object',
  'boundary.oneFeature': 'the FeatureCollection must hold exactly 1 feature (it has {count})',
  'boundary.noGeometry': 'the feature has no geometry',
  'boundary.multiPolygon': 'a grid boundary must be one polygon; this MultiPolygon has several parts',
  'boundary.geometryType': 'the geometry must be a Polygon or MultiPolygon, not {type}',
  'boundary.noRings': 'the polygon has no rings',
  'boundary.tooManyRings': 'the polygon has {count} rings; at most {max}',
  'boundary.tooManyPositions': 'the polygon has {count} positions; at most {max}',
  'boundary.otherGrid': 'the feature is for grid {gridId}, not {expectedGridId}',
  'boundary.ringNotList': '{ring:ring} must be a list of positions',
  'boundary.ringTooLong': '{ring:ring} has {count} positions; at most {max}',
  'boundary.ringTooShort': '{ring:ring} needs at least 4 positions (it has {count})',
  'boundary.positionShape': '{ring:ring} position {position} must be [longitude, latitude]',
  'boundary.positionRange':
    '{ring:ring} position {position} is outside WGS-84 (longitude −180…180, latitude −90…90)',
  'boundary.moreBadPositions': '{ring:ring} has {count} more bad positions',
  'boundary.ringNotClosed': '{ring:ring} is not closed: its last position must repeat its first',

  // The case list's filters (GET /api/cases/search)
  'search.filterOnce': 'each filter may be given once',
  'search.unknownFilter': 'unknown filter {field}',
  'search.stateOneOf': 'state must be open, all or a case state',
  'search.category': 'category must be a category key',
  'search.gridId': 'gridId must be a grid id',
  'search.assignee': 'assignee must be a person id or none',
  'search.source': 'source must be auto, patrol or hotline',
  'search.fromAfterTo': 'from must not be after to',
  'search.textMax': 'the search text must be at most {max} characters',
  'search.awaiting': 'awaiting must be verification',
  'search.supervised': 'supervised must be true',
  'search.sort': 'sort must be newest, deadline or severity',
  'search.limit': 'limit must be 1–{max}',
  'search.offset': 'offset must be 0–{max}',

  // Passwords and contacts
  'password.tooShort': 'password must be at least {min} characters',
  'password.tooLong': 'password must be at most {max} characters',
  'password.mix': 'password must mix at least {min} of lower case, upper case, digits and other characters',
  'password.containsUsername': 'password must not contain the username',
  'contacts.bodyShape': 'body must be an object with phone, dingtalkUserId and wecomUserId',
  'contacts.phone': 'phone must be 5–20 digits, optionally after a +',
  'contacts.dingtalkUserId': 'dingtalkUserId must be 1–64 letters, digits or _ . @ -',
  'contacts.wecomUserId': 'wecomUserId must be 1–64 letters, digits or _ . @ -',
  'contacts.onlyThese': 'contacts take only phone, dingtalkUserId and wecomUserId',

  // Alarm fusion groups and suppression rules (归并与抑制)
  'fusion.mustBeList': '{field} must be a list',
  'fusion.atMostEntries': '{field} may hold at most {max} entries',
  'fusion.keyList': '{field} must be a list of 1 to {max} keys',
  'fusion.notKeys': '{field}: {values} not a key',
  'fusion.notCategories': '{field}: {values} not a category',
  'fusion.wholeNumberRange': '{field} must be a whole number from {min} to {max}',
  'fusion.keyShape': '{field}.key must be a key (a-z, 0-9, _)',
  'fusion.keyTwice': '{field}.key {key} is used twice',
  'fusion.scopeOneOf': '{field}.scope must be one of district, street, community, grid',
  'fusion.parentAndChild': '{field}: {values} cannot be both parent and child',

  // The working calendar, roster shifts and dispatch rules
  'calendar.utcOffset': 'utcOffsetMinutes must be a number between -840 and 840',
  'calendar.workdays': 'workdays must be a list of ISO weekdays 1–7',
  'calendar.hoursList': 'hours must be a non-empty list',
  'calendar.periodShape': '{field} needs start and end as HH:MM',
  'calendar.periodOrder': '{field} must end after it starts and after the previous period',
  'calendar.dates': '{field} must be a list of YYYY-MM-DD dates',
  'calendar.makeupIsHoliday': 'makeupWorkdays {date} is also a holiday',
  'roster.scopeKind': 'scopeKind must be grid or department',
  'roster.weekdays': 'weekdays must be a non-empty list of ISO weekdays 1–7',
  'roster.minutes': 'startMinute and endMinute must be 0–1439',
  'dispatch.match': 'match must be a taxonomy key or *',
  'dispatch.handlerRef': '{field} must be a handler reference',
  'dispatch.handlerRefs': '{field} must be a list of handler references',

  // Suggested categories for a report's text (POST /api/intake/suggest)
  'intake.textEmpty': 'text is empty',
  'intake.textTooLong': 'text is longer than {max} characters',

  // Rule backtests
  'backtest.offline': 'offline rules cannot be backtested: device status history is not stored',
  'backtest.noDataNeedsMetric': 'name a metric to backtest a no-data rule on {deviceType}',
  'backtest.tooManyItems': 'more than {max} readings and events: narrow the range',
  'backtest.tooManyDevices': 'more than {max} devices in scope: narrow the scope',

  // Alert rules (core/src/rules): `{field}` is the path in the rule as sent (`bands[0].above`)
  'field.nonEmptyString': '{field} must be a non-empty string',
  'field.matches': '{field} must match {pattern}',
  'field.positive': '{field} must be a number above 0',
  'field.positiveAtMost': '{field} must be a number above 0 and at most {max}',
  'field.severity': '{field} must be info, warning or critical',
  'field.fraction': '{field} must be 0–1',
  'field.nonEmptyArray': '{field} must be a non-empty array',
  'field.mustBeId': '{field} must be an id',
  'field.hhmm': '{field} must be HH:MM',
  'rule.bandsRepeatSeverity': '{field} must not repeat a severity',
  'rule.bandAbove':
    '{field} must be above {level}, where the milder {milder} band starts ({graver} is graver)',
  'rule.bandBelow':
    '{field} must be below {level}, where the milder {milder} band starts ({graver} is graver)',
  'rule.clearAboveLowest': '{field} must not be above the lowest band',
  'rule.clearBelowHighest': '{field} must not be below the highest band',
  'rule.conditionShape': '{field} must be one of: {shapes}',
  'rule.matchAllAny': 'match must be all or any',
  'rule.groupBy': 'groupBy must be grid or community',
  'rule.conditionsCount': 'conditions must be an array of 1 to 10 conditions',
  'rule.equalsNeedsMetric': 'equals needs a metric',
  'rule.equalsShape': 'equals must be a number or a boolean',
  'rule.rateDirection': 'direction must be rise or fall',
  'rule.thresholdDirection': 'direction must be above or below',
  'rule.days': '{field} must list weekdays 1 (Monday) to 7 (Sunday)',
  'rule.metricNotReported': '{field} {metric} is not reported by {deviceType} (it reports {known})',
  'rule.metricNotReportedEventsOnly':
    '{field} {metric} is not reported by {deviceType} (it reports events only)',
  'rule.repeatCount': 'repeat.count must not exceed repeat.of',
  'rule.forSecondsOrRepeat': 'use forSeconds or repeat, not both',

  // Web Push endpoints
  'push.httpsUrl': '{field} must be an https URL',
  'push.noCredentials': '{field} must not carry a user name or password',
  'push.hostUnresolved': '{field} host does not resolve',
  'push.privateAddress': '{field} must not point to a private, loopback, link-local or unique-local address',

  // Who may do what (core/src/permissions.ts)
  'permission.mayNotReport': '{role} may not file patrol reports',
  'permission.mayNotHotline': '{role} may not enter hotline calls',
  'permission.callers': 'only the command centre may see callers',
  'permission.dispatch': 'only the command centre and the desks dispatch cases',
  'permission.verify': 'only the command centre and supervisors verify cases',
  'permission.void': 'only the command centre and supervisors close cases as void, false alarm or duplicate',
  'permission.extendRequest': 'only the handler of a case asks for an extension',
  'permission.extendDecide': 'only the command centre and supervisors decide extension requests',
  'permission.supervise': 'only supervisors put cases under supervision',
  'permission.cohandleAdd': 'only the lead handler and the command centre add co-handlers',
  'permission.take': 'only grid workers, handlers and supervisors take cases',
  'permission.registry': 'the registry is for engineers and admins',
  'permission.rules': 'rules are for engineers and admins',
  'permission.flows': 'the flow editor is for engineers and admins',
  'permission.caseConfig': 'only administrators may change case rules',
  'permission.deliveries': 'only administrators see the delivery log',
  'permission.regionsPeople': 'only administrators manage grids and people',
  'permission.audit': 'the audit log is for the command centre',
  'permission.analytics': 'analytics are for the command centre and supervisors',
  'permission.warnings': 'early warnings are for the command centre and supervisors',
  'permission.placesRead': 'places are for grid workers, the command centre and administrators',
  'permission.placesManage': 'only administrators manage places',
  'permission.placesInspect': 'only grid workers and supervisors check in at places',
  'permission.assessmentRead': 'assessment is for the command centre and supervisors',
  'permission.assessmentManage': 'only administrators change the assessment scheme',
  'permission.reports': 'reports are for the command centre and supervisors',
  'report.pdfNoFont':
    'no Chinese font is installed for PDF reports; install fonts-wqy-microhei or set GRIDSENSE_PDF_FONT',
  'permission.outsideRegion': 'outside your region',

  // Case configuration
  'config.noRegion': 'region {id} does not exist',
  'password.sameAsCurrent': 'the new password must differ from the current one',
  'people.cannotResetOwnPassword': 'you cannot reset your own password here',

  // More field shapes
  'field.positiveInteger': '{field} must be a positive integer',

  // Case moves (POST /api/cases/:id/actions) and reports
  'position.lat': 'position.lat must be a number from -90 to 90',
  'position.lng': 'position.lng must be a number from -180 to 180',
  'position.accuracy': 'position.accuracyM must be a number of metres from 0 to 100000, or null',
  'position.onlyThese': 'position takes only lat, lng and accuracyM',
  'field.userIds': '{field} must be a list of user ids',
  'field.setByPlatform': '{field} is set by the platform, not the caller',
  'case.duplicateOfOnlyForDuplicate': 'duplicateOfId is only for a duplicate',
  'case.satisfactionNumber': 'satisfaction must be a number 1–5',
  'case.extensionWorkingDays': 'days must be a whole number of working days from 1 to {max}',
  'photo.urls': '{field} must be a list of photo URLs',
  'photo.urlsRequired': '{field} must be a non-empty list of photo URLs',
  'photo.atMost': '{field} must hold at most {max} photos',
  'report.textRequired': '{field} is required (≤ {max} characters)',
  'report.location': 'location must be { lat, lng } in WGS-84 degrees',
  'report.locationForPatrol': 'location is required for a patrol report',
  'report.callerPhone': 'callerPhone must be 5–20 digits',
  'report.locationOrGrid': 'give a location or a gridId',
  'intake.suggestedKeys': 'suggested must be up to three taxonomy keys',

  // 协办 (co-handling sub-tasks)
  'subtask.assigneeOrDepartment': 'give either assigneeId (a person) or departmentId (a department)',
  'subtask.days': 'days to report back must be a whole number from 1 to {max}',
  'subtask.actionOneOf': 'action must be accept, report or cancel',

  // 协办 moves and adding co-handlers
  'subtask.cannotMove': 'cannot {action} a {state} sub-task',
  'subtask.roleMayNot': '{role} may not {action} this sub-task',
  'subtask.reportNeedsNote': 'a report needs a note',
  'subtask.cancelNeedsReason': 'cancelling a sub-task needs a reason',
  'cohandle.departmentNobody': 'department {id} has nobody to co-handle',
  'cohandle.caseState': 'cannot add co-handlers to a {state} case',
  'cohandle.notInGrid': '{id} cannot co-handle a case in this grid',
  'cohandle.leadItself': 'the lead handler cannot co-handle their own case',
  'cohandle.alreadyOpen': '{id} already has an open sub-task on this case',
  'field.positiveWhole': '{field} must be a positive whole number',

  // The category taxonomy (分类)
  'taxonomy.unknownCategory': 'unknown category {id}',
  'taxonomy.subcategoryNotUnder': 'subcategory {id} is not under {parent}',
  'taxonomy.typeNotUnder': 'type {id} is not under {parent}',
  'taxonomy.typeNeedsSubcategory': 'type {id} is not under a subcategory',
  'taxonomy.keyShape': 'key must be 1–3 dotted lower_snake_case parts',
  'taxonomy.levelForKey': 'level must be {level} for this key',
  'taxonomy.levelAny': 'level must be category, subcategory or type for this key',
  'taxonomy.noParent': 'parent {id} does not exist',
  'taxonomy.matches': 'matches must be a list of rule ids or event types',

  // Places: risk level rules and 巡检 checklists
  'place.rulesWindowDays': 'windowDays must be a whole number 1–366',
  'place.rulesPoints': '{field} must be a whole number 0–100',
  'place.rulesYellowFrom': 'yellowFrom must be a whole number ≥ 1',
  'place.rulesRedFrom': 'redFrom must be a whole number',
  'place.rulesRedAboveYellow': 'redFrom must be above yellowFrom',
  'place.rulesEvery': '{field} must be a whole number 1–366',
  'checklist.list': 'checklist must be a list of answers',
  'checklist.notAnItem': "checklist answer {index} is not an item of this place's checklist",
  'checklist.twice': 'checklist item {key} is answered twice',
  'checklist.needsOk': 'checklist item {key} needs ok true or false',
  'checklist.failedNeedsNote': 'checklist item {key} failed: say what is wrong in its note',
  'checklist.notAnswered': 'checklist items not answered: {keys}',

  // SLA (时限) and the 考核 scheme
  'sla.span': '{field} must be a span like 15m, 2h, 1d, 4wh or 3wd',
  'sla.minutes': '{field} must be a number of minutes ≥ 1',
  'sla.breachActions': '{field} must be a list of {values}',
  'assessment.weight': 'weights.{key} must be a number from 0 to 100',
  'assessment.oneWeight': 'at least one weight must be above 0',
  'assessment.points': '{key} must be a number from 0 to 100',

  // Dispatch and duplicates
  'case.overrideNeedsNote': 'dispatching to {id} instead of the suggested {suggested} needs a reason (note)',
  'case.duplicateOfDuplicate': 'case {id} is itself a duplicate of {original}: name that one',
  'roster.noScope': '{kind} {id} does not exist',

  // Merging cases by hand (人工合并)
  'merge.itself': 'a case cannot be merged into itself',
  'merge.keptOpen': 'the case to merge into must be open and not yet resolved',
  'merge.absorbedOpen': 'the case to merge must be open and not yet resolved',
  'merge.hasChildren': 'a case with cases under it cannot be merged',
  'merge.intoChild': 'a case cannot be merged into a case under it',

  // Node-RED's raise-risk node (the flows' 风险 signals)
  'risk.scenarioId': 'scenarioId must be an id (letters, digits, _ and -)',
  'risk.payloadSeverity': 'payload.severity must be info, warning, critical or null (resolved)',
  'field.deviceId': '{field} must be a device id',

  // Resolving while co-handlers still owe their report
  'subtask.reportsMissing': '{count} required co-handler report(s) missing',

  // 不予立案 and 非属地 (declining to register, returning upstream)
  'case.declineNeedsNote': 'declining to register needs a note saying why',
  'case.upstreamOnlyHotline': 'only a hotline case is returned upstream',
  'case.upstreamNeedsNote': 'returning upstream needs a note saying where it belongs',
  'permission.decline': 'only the command centre and supervisors decline to register a case',
  'permission.returnUpstream': 'only the command centre and supervisors return a hotline case upstream',

  // 好差评 of 协办
  'rating.onlyReported': 'only a reported sub-task is rated',
  'rating.leadSide': "only the case's lead and the command centre rate a co-handler's work",
  'rating.cohandlerSide': 'only the co-handler and their department rate the request',
  'rating.alreadyRated': '{name} has already rated this sub-task',
  'rating.changeWindow': 'a rating can be changed only within a day of giving it',
  'rating.side': 'side must be lead or cohandler',
  'rating.grade': 'grade must be good, fair or poor',
  'rating.departmentOrRegion': 'give departmentId or regionId, not both',
  'rating.readForbidden': "only the department's members and the command centre read its ratings",
  'rating.invalid': 'invalid rating',
  'notFound.department': 'department {id} not found',
  'conflict.rating': 'sub-task {id} was rated meanwhile; reload and try again',

  // 拆分 (splitting a case in two)
  'split.invalid': 'invalid case split',
  'split.cannot': 'this case cannot be split so',
  'split.notOpen': 'only an open case not yet resolved can be split',
  'split.sameMatter': 'the new case must be another matter: change its title or its category',
  'split.unknownFields': 'unknown fields: {fields}',
  'permission.split': 'only the command centre and the desks split cases',

  // Who may rate co-handling
  'permission.subtaskRate': 'only the lead side and the co-handling department rate a co-handling',
  'permission.ratingsRead': 'co-handling ratings are for departments and the command centre',

  // The audit chain's verdicts (GET /api/audit/verify); times as sent (ISO, UTC)
  'audit.entryMissing': 'entry {seq} is missing',
  'audit.unlinked': 'does not link to the previous entry',
  'audit.hashMismatch': 'content does not match its hash',
  'audit.differsFromAnchor': 'differs from the entry anchored at {at}',
  'audit.entriesRemoved':
    'the chain ends at entry {seq}, but entry {anchored} was anchored at {at}: its newest entries were removed',
  'audit.keyedStartMoved':
    'the keyed chain starts at entry {seq}, but at entry {anchored} when anchored at {at}',
  'audit.keyedStartUnknown': 'the start of the keyed chain is not recorded',
  'audit.anchorMalformed': 'line {line} of the anchor file is not an anchor',
  'audit.anchorUnsealed': 'line {line} of the anchor file is not sealed with the audit key',

  // Why a notification delivery failed (the delivery log, alerts/src/notify). `message` is what the
  // other side or the system said, in its own words; `kind` a work channel (dingtalk, wecom, sms)
  'delivery.httpStatus': 'HTTP {status}',
  'delivery.timeout': 'no answer within {ms} ms',
  'delivery.cutOff': 'the answer was cut off',
  'delivery.notJson': 'the answer was not JSON',
  'delivery.errcode': 'errcode {code}: {message}',
  'delivery.noErrcode': 'the answer carried no errcode',
  'delivery.subscriptionGone': 'the subscription is gone',
  'delivery.channelGone': 'the channel is deleted or disabled',
  'delivery.notPersonTarget': 'not a person target',
  'delivery.notConfigured': '{kind} is not configured',
  'delivery.noRecipient': 'the person has no {kind} id',
  'delivery.noAccessToken': 'no access token: HTTP {status}',
  'delivery.noAccessTokenErrcode': 'no access token: HTTP {status}, errcode {code}: {message}',
  'delivery.notHttps': 'endpoint must be an https URL',
  'delivery.urlCredentials': 'endpoint must not carry a user name or password',
  'delivery.notPublicAddress': '{host} is not a public address',
  'delivery.resolvesPrivate': '{host} resolves to {address}, not a public address',
  'delivery.noAddress': '{host} has no address, not a public address',
  'delivery.error': '{message}',
} as const;

export type ApiTextKey = keyof typeof API_TEXTS_EN;
export type ApiTextParams = Readonly<Record<string, string | number>>;

/** A message or a validation detail, to render in the reader's language. */
export interface ApiText {
  readonly key: ApiTextKey;
  readonly params?: ApiTextParams;
  /** The field the detail is about, when the text does not name it (`boundary`: its problems). */
  readonly at?: string;
}

export function apiText(key: ApiTextKey, params?: ApiTextParams): ApiText {
  return params ? { key, params } : { key };
}

export function isApiText(value: unknown): value is ApiText {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { key?: unknown }).key === 'string' &&
    Object.hasOwn(API_TEXTS_EN, (value as { key: string }).key)
  );
}

/** How the English names a code that a template marks with its family (`{ring:ring}`). */
const ENGLISH_TERMS: Record<string, (code: string) => string> = {
  /** A polygon's rings by index: 0 is the outer ring, the others its holes. */
  ring: (index) => (index === '0' ? 'the outer ring' : `hole ${index}`),
};

/**
 * `{name}` placeholders of a template replaced by `params`, `{name:family}` through the family's
 * English name for the code; an unknown one is left as written.
 */
export function fillTemplate(template: string, params: ApiTextParams = {}): string {
  return template.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name: string, family?: string) => {
    if (!Object.hasOwn(params, name)) return whole;
    const value = String(params[name]);
    const term = family === undefined ? undefined : ENGLISH_TERMS[family];
    return term ? term(value) : value;
  });
}

/** The English the API writes in `message` and `details` for a keyed text. */
export function englishOf(text: ApiText): string {
  const english = fillTemplate(API_TEXTS_EN[text.key], text.params);
  return text.at === undefined ? english : `${text.at}: ${english}`;
}

/** A detail as one about `field` (`boundary: the polygon has no rings`), keyed or not. */
export function atField(field: string, problem: string | ApiText): string | ApiText {
  if (typeof problem === 'string') return `${field}: ${problem}`;
  return { ...problem, at: problem.at === undefined ? field : `${field}: ${problem.at}` };
}

/** The placeholder names of a template, for the catalogues' coverage tests. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)(?::\w+)?\}/g)].map((match) => match[1]!).sort();
}
