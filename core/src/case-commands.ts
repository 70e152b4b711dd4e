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
import type { RegionLevel } from './model';
import { photoListProblems } from './photo-paths';

const MAX_ACCURACY_M = 100_000;

/** An arrival position: finite degrees within range, and an accuracy (metres) or null. */
function arrivalPositionProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return ['position must be an object with lat, lng and accuracyM'];
  const { lat, lng, accuracyM, ...rest } = input as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof lat !== 'number' || !Number.isFinite(lat) || Math.abs(lat) > 90)
    errors.push('position.lat must be a number from -90 to 90');
  if (typeof lng !== 'number' || !Number.isFinite(lng) || Math.abs(lng) > 180)
    errors.push('position.lng must be a number from -180 to 180');
  if (
    accuracyM !== null &&
    (typeof accuracyM !== 'number' ||
      !Number.isFinite(accuracyM) ||
      accuracyM < 0 ||
      accuracyM > MAX_ACCURACY_M)
  )
    errors.push('position.accuracyM must be a number of metres from 0 to 100000, or null');
  if (Object.keys(rest).length > 0) errors.push('position takes only lat, lng and accuracyM');
  return errors;
}

/** Validates a command from an API body, listing every problem. */
export function parseCaseCommand(
  input: unknown,
): { ok: true; command: CaseCommand } | { ok: false; errors: string[] } {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['body must be an object'] };
  const body = input as Record<string, unknown>;
  const errors: string[] = [];
  const optionalString = (key: string) => {
    if (body[key] !== undefined && typeof body[key] !== 'string') errors.push(`${key} must be a string`);
  };
  const requiredText = (key: string) => {
    if (typeof body[key] !== 'string') errors.push(`${key} is required`);
  };
  const optionalList = (key: string, what: string) => {
    const value = body[key];
    if (value !== undefined && (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || !p)))
      errors.push(`${key} must be a list of ${what}`);
  };
  /** A duplicate names the case it repeats; no other reason takes one. */
  const duplicateOf = () => {
    if (body.reason === 'duplicate') requiredText('duplicateOfId');
    else if (body.duplicateOfId !== undefined) errors.push('duplicateOfId is only for a duplicate');
  };
  switch (body.action) {
    case 'register':
    case 'accept':
    case 'resume':
    case 'close':
      break;
    case 'dispatch':
      if (typeof body.assigneeId !== 'string' || !body.assigneeId) errors.push('assigneeId is required');
      optionalList('coHandlerIds', 'user ids');
      optionalString('note');
      if (body.departmentId !== undefined) errors.push('departmentId is set by the platform, not the caller');
      break;
    case 'return':
      if (!RETURN_REASONS.includes(body.reason as ReturnReason))
        errors.push(`reason must be one of ${RETURN_REASONS.join(', ')}`);
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
        errors.push(`reason must be one of ${VOID_REASONS.join(', ')}`);
      optionalString('note');
      duplicateOf();
      break;
    case 'decline':
      if (!DECLINE_REASONS.includes(body.reason as DeclineReason))
        errors.push(`reason must be one of ${DECLINE_REASONS.join(', ')}`);
      optionalString('note');
      duplicateOf();
      break;
    case 'return_upstream':
      if (!UPSTREAM_REASONS.includes(body.reason as UpstreamReason))
        errors.push(`reason must be one of ${UPSTREAM_REASONS.join(', ')}`);
      requiredText('note');
      break;
    case 'feedback':
      if (typeof body.satisfaction !== 'number') errors.push('satisfaction must be a number 1–5');
      if (typeof body.solved !== 'boolean') errors.push('solved must be true or false');
      optionalString('comment');
      break;
    case 'reopen':
      requiredText('note');
      break;
    case 'escalate':
      requiredText('reason');
      if (body.level !== undefined && !ESCALATION_LEVELS.includes(body.level as RegionLevel))
        errors.push(`level must be one of ${ESCALATION_LEVELS.join(', ')}`);
      break;
    case 'request_extension': {
      const { days } = body;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_DAYS)
        errors.push(`days must be a whole number of working days from 1 to ${MAX_EXTENSION_DAYS}`);
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
      errors.push(`action must be one of ${CASE_ACTIONS.join(', ')}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, command: body as unknown as CaseCommand };
}
