import {
  CASE_ACTIONS,
  DECLINE_REASONS,
  ESCALATION_LEVELS,
  MAX_EXTENSION_DAYS,
  RETURN_REASONS,
  UPSTREAM_REASONS,
  VOID_REASONS,
  type CaseCommand,
  type DeclineReason,
  type ReturnReason,
  type UpstreamReason,
  type VoidReason,
} from './case-types';
import { apiText } from './api-texts';
import type { Problem } from './errors';
import type { RegionLevel } from './model';
import { photoListProblems } from './photo-paths';

const MAX_ACCURACY_M = 100_000;

/** An arrival position: finite degrees within range, and an accuracy (metres) or null. */
function arrivalPositionProblems(input: unknown): Problem[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [apiText('position.shape')];
  const { lat, lng, accuracyM, ...rest } = input as Record<string, unknown>;
  const errors: Problem[] = [];
  if (typeof lat !== 'number' || !Number.isFinite(lat) || Math.abs(lat) > 90)
    errors.push(apiText('position.lat'));
  if (typeof lng !== 'number' || !Number.isFinite(lng) || Math.abs(lng) > 180)
    errors.push(apiText('position.lng'));
  if (
    accuracyM !== null &&
    (typeof accuracyM !== 'number' ||
      !Number.isFinite(accuracyM) ||
      accuracyM < 0 ||
      accuracyM > MAX_ACCURACY_M)
  )
    errors.push(apiText('position.accuracy'));
  if (Object.keys(rest).length > 0) errors.push(apiText('position.onlyThese'));
  return errors;
}

/** Validates a command from an API body, listing every problem. */
export function parseCaseCommand(
  input: unknown,
): { ok: true; command: CaseCommand } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const body = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const optionalString = (key: string) => {
    if (body[key] !== undefined && typeof body[key] !== 'string')
      errors.push(apiText('field.mustBeString', { field: key }));
  };
  const requiredText = (key: string) => {
    if (typeof body[key] !== 'string') errors.push(apiText('field.required', { field: key }));
  };
  const optionalIdList = (key: string) => {
    const value = body[key];
    if (value !== undefined && (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || !p)))
      errors.push(apiText('field.userIds', { field: key }));
  };
  /** A duplicate names the case it repeats; no other reason takes one. */
  const duplicateOf = () => {
    if (body.reason === 'duplicate') requiredText('duplicateOfId');
    else if (body.duplicateOfId !== undefined) errors.push(apiText('case.duplicateOfOnlyForDuplicate'));
  };
  switch (body.action) {
    case 'register':
    case 'accept':
    case 'resume':
    case 'close':
      break;
    case 'dispatch':
      if (typeof body.assigneeId !== 'string' || !body.assigneeId)
        errors.push(apiText('field.required', { field: 'assigneeId' }));
      optionalIdList('coHandlerIds');
      optionalString('note');
      if (body.departmentId !== undefined)
        errors.push(apiText('field.setByPlatform', { field: 'departmentId' }));
      break;
    case 'return':
      if (!RETURN_REASONS.includes(body.reason as ReturnReason))
        errors.push(apiText('field.oneOf', { field: 'reason', values: RETURN_REASONS.join(', ') }));
      optionalString('note');
      break;
    case 'arrive':
      errors.push(...photoListProblems(body.photos, false));
      if (body.position !== undefined) errors.push(...arrivalPositionProblems(body.position));
      break;
    case 'pause':
      requiredText('reason');
      break;
    case 'resolve':
      requiredText('note');
      errors.push(...photoListProblems(body.photos, false));
      break;
    case 'verify':
      optionalString('note');
      break;
    case 'reject':
      requiredText('note');
      break;
    case 'void':
      if (!VOID_REASONS.includes(body.reason as VoidReason))
        errors.push(apiText('field.oneOf', { field: 'reason', values: VOID_REASONS.join(', ') }));
      optionalString('note');
      duplicateOf();
      break;
    case 'decline':
      if (!DECLINE_REASONS.includes(body.reason as DeclineReason))
        errors.push(apiText('field.oneOf', { field: 'reason', values: DECLINE_REASONS.join(', ') }));
      optionalString('note');
      duplicateOf();
      break;
    case 'return_upstream':
      if (!UPSTREAM_REASONS.includes(body.reason as UpstreamReason))
        errors.push(apiText('field.oneOf', { field: 'reason', values: UPSTREAM_REASONS.join(', ') }));
      requiredText('note');
      break;
    case 'feedback':
      if (typeof body.satisfaction !== 'number') errors.push(apiText('case.satisfactionNumber'));
      if (typeof body.solved !== 'boolean')
        errors.push(apiText('field.mustBeTrueOrFalse', { field: 'solved' }));
      optionalString('comment');
      break;
    case 'reopen':
      requiredText('note');
      break;
    case 'escalate':
      requiredText('reason');
      if (body.level !== undefined && !ESCALATION_LEVELS.includes(body.level as RegionLevel))
        errors.push(apiText('field.oneOf', { field: 'level', values: ESCALATION_LEVELS.join(', ') }));
      break;
    case 'request_extension': {
      const { days } = body;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_DAYS)
        errors.push(apiText('case.extensionWorkingDays', { max: MAX_EXTENSION_DAYS }));
      requiredText('reason');
      break;
    }
    case 'refuse_extension':
    case 'supervise':
      requiredText('reason');
      break;
    case 'approve_extension':
    case 'unsupervise':
      optionalString('note');
      break;
    default:
      errors.push(apiText('field.oneOf', { field: 'action', values: CASE_ACTIONS.join(', ') }));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, command: body as unknown as CaseCommand };
}
