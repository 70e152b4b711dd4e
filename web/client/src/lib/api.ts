import type {
  AuditEntryView,
  BacktestResult,
  RuleVersionView,
  RuleView,
  AuditVerification,
  CaseCommand,
  CaseCategoryNode,
  CaseStatsView,
  CaseDetailView,
  CasePageView,
  CaseView,
  DispatchPeopleView,
  ApiText,
  ErrorBody,
  ErrorCode,
  OverviewView,
  SeriesPoint,
  SessionView,
  User,
} from '@gridsense/core';
import type { IntakeAgreementView, IntakeSuggestionsView } from '@gridsense/core/intake-classifier';
import { rememberApiText } from '../i18n/api-text';
import type { DeviceDetail } from './device-health';
import type { AdminData } from './admin-types';

/** A failed API call: the server's code and message, or `network` when no answer came. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network';
  readonly details: string[] | undefined;
  readonly correlationId: string | undefined;
  /** The message's key, when the server sent one; `localizeApiText` renders from it. */
  readonly text: ApiText | undefined;

  /** From an error body; the keys sent with the message and details are remembered for rendering. */
  static fromBody(
    status: number,
    { code, message, text, details, detailTexts, correlationId }: ErrorBody['error'],
  ) {
    rememberApiText(message, text);
    details?.forEach((detail, i) => rememberApiText(detail, detailTexts?.[i]));
    return new ApiError(status, code, message, details, correlationId, text);
  }

  constructor(
    status: number,
    code: ErrorCode | 'network',
    message: string,
    details?: string[],
    correlationId?: string,
    text?: ApiText,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.correlationId = correlationId;
    this.text = text;
  }
}

interface ApiHooks {
  /** Called on a 401 from any call but login (the session has expired or was revoked). */
  onUnauthorized: () => void;
  /** Called on a 403 `password_change_required`: only changing the password is allowed. */
  onPasswordChangeRequired: () => void;
  /** Called on a 403 `totp_enrolment_required`: only setting up two-factor sign-in is allowed. */
  onTotpEnrolmentRequired?: () => void;
  /** Called when the server answered: every answered call counts as activity for the idle timeout. */
  onAnswered: () => void;
}

let hooks: ApiHooks = { onUnauthorized: () => {}, onPasswordChangeRequired: () => {}, onAnswered: () => {} };

export function configureApi(next: ApiHooks): void {
  hooks = next;
}

type Body = object | Blob | undefined;

/**
 * One API call; the session cookie (HttpOnly, never seen here) rides along. Exported for the
 * per-area API files (admin-api.ts).
 */
export async function request<T>(
  method: string,
  path: string,
  body?: Body,
  isLogin = false,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
  let payload: Blob | string | undefined;
  if (body instanceof Blob) {
    headers['Content-Type'] = body.type;
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (error) {
    throw new ApiError(0, 'network', error instanceof Error ? error.message : String(error));
  }
  hooks.onAnswered();
  if (!response.ok) {
    const failure = await errorFrom(response);
    if (response.status === 401 && !isLogin) hooks.onUnauthorized();
    if (failure.code === 'password_change_required') hooks.onPasswordChangeRequired();
    if (failure.code === 'totp_enrolment_required') hooks.onTotpEnrolmentRequired?.();
    throw failure;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const { error } = (await response.json()) as ErrorBody;
    return ApiError.fromBody(response.status, error);
  } catch {
    return new ApiError(response.status, 'internal_error', response.statusText || `HTTP ${response.status}`);
  }
}

export interface SeriesQuery {
  metric: string;
  from: number;
  to: number;
  windowMs: number;
  agg: 'mean' | 'max' | 'min';
}

const segment = encodeURIComponent;

export const api = {
  /** `factor`: the 6-digit code or a recovery code, once the server answered `totp_required`. */
  login: (username: string, password: string, factor: { code?: string; recoveryCode?: string } = {}) =>
    request<SessionView>('POST', '/api/session', { username, password, ...factor }, true),
  session: () => request<SessionView>('GET', '/api/session'),
  logout: () => request<void>('DELETE', '/api/session'),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<SessionView>('POST', '/api/me/password', { currentPassword, newPassword }),
  me: () => request<User>('GET', '/api/me'),
  overview: () => request<OverviewView>('GET', '/api/overview'),
  cases: (scope: 'open' | 'all') => request<CaseView[]>('GET', `/api/cases?scope=${scope}`),
  /** A page of the list; `query` from `searchQuery` (lib/case-list-query.ts). */
  caseSearch: (query: string) => request<CasePageView>('GET', `/api/cases/search?${query}`),
  caseDetail: (id: string) => request<CaseDetailView>('GET', `/api/cases/${segment(id)}`),
  /** `idempotencyKey`: the same key again gets the first answer back instead of a second move. */
  act: (id: string, command: CaseCommand, idempotencyKey?: string) =>
    request<CaseView>(
      'POST',
      `/api/cases/${segment(id)}/actions`,
      command,
      false,
      idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
    ),
  gridPeople: (gridId: string, caseId: string) =>
    request<DispatchPeopleView>('GET', `/api/grids/${segment(gridId)}/people?caseId=${segment(caseId)}`),
  pushKey: () => request<{ publicKey: string }>('GET', '/api/notifications/push/key'),
  // PushSubscriptionJSON's shape, named here: this module is also compiled without the DOM types.
  savePushSubscription: (subscription: { endpoint?: string; keys?: Record<string, string> }) =>
    request<{ ok: true }>('POST', '/api/notifications/push/subscriptions', subscription),
  deletePushSubscription: (endpoint: string) =>
    request<void>('DELETE', '/api/notifications/push/subscriptions', { endpoint }),
  device: (id: string) => request<DeviceDetail>('GET', `/api/devices/${segment(id)}`),
  analytics: (from: number, to: number) =>
    request<CaseStatsView>('GET', `/api/analytics/cases?from=${from}&to=${to}`),
  audit: (limit: number) => request<AuditEntryView[]>('GET', `/api/audit?limit=${limit}`),
  verifyAudit: () => request<AuditVerification>('GET', '/api/audit/verify'),
  rules: () => request<RuleView[]>('GET', '/api/rules'),
  rule: (id: string) =>
    request<RuleView & { versions: RuleVersionView[] }>('GET', `/api/rules/${segment(id)}`),
  createRule: (rule: unknown) => request<RuleView>('POST', '/api/rules', rule as object),
  updateRule: (id: string, rule: unknown, version: number) =>
    request<RuleView>('PUT', `/api/rules/${segment(id)}`, { rule, version }),
  setRuleEnabled: (id: string, enabled: boolean, version: number) =>
    request<RuleView>('POST', `/api/rules/${segment(id)}/${enabled ? 'enable' : 'disable'}`, { version }),
  rollbackRule: (id: string, toVersion: number, version: number) =>
    request<RuleView>('POST', `/api/rules/${segment(id)}/rollback`, { toVersion, version }),
  backtest: (rule: unknown, from: number, to: number) =>
    request<BacktestResult>('POST', '/api/rules/backtest', { rule, from, to }),
  caseConfig: () => request<{ categories: CaseCategoryNode[] }>('GET', '/api/case-config'),
  /** Without `case` when the report joined a case the reporter may not see. */
  report: (report: object, idempotencyKey?: string) =>
    request<{ caseId: string; case?: CaseView; outcome: 'opened' | 'fused' | 'suppressed' }>(
      'POST',
      '/api/cases/reports',
      report,
      false,
      idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {},
    ),
  /** Everything the admin page lists, fetched together (all admin-only but the config). */
  adminData: async (): Promise<AdminData> => {
    const [config, dispatchRules, rosters, channels, deliveries] = await Promise.all([
      request<AdminData['config']>('GET', '/api/case-config'),
      request<AdminData['dispatchRules']>('GET', '/api/admin/dispatch-rules'),
      request<AdminData['rosters']>('GET', '/api/admin/rosters'),
      request<AdminData['channels']>('GET', '/api/admin/channels'),
      // The delivery log is a district administrator's; a street's sees the page without it.
      request<AdminData['deliveries']>('GET', '/api/admin/deliveries').catch((failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 403) return [];
        throw failure;
      }),
    ]);
    return { config, dispatchRules, rosters, channels, deliveries };
  },
  /** 智能分拨: the top three categories for a description, with where each is routed. */
  suggestIntake: (text: string) => request<IntakeSuggestionsView>('POST', '/api/intake/suggest', { text }),
  intakeAgreement: () => request<IntakeAgreementView>('GET', '/api/intake/agreement'),
  hotline: (call: object) =>
    request<{ case: CaseView; outcome: 'opened' | 'fused' | 'suppressed' }>(
      'POST',
      '/api/cases/hotline',
      call,
    ),
  uploadPhoto: (image: Blob) => request<{ url: string }>('POST', '/api/photos', image),
  series: (deviceId: string, query: SeriesQuery) => {
    const params = new URLSearchParams({
      metric: query.metric,
      from: String(query.from),
      to: String(query.to),
      windowMs: String(query.windowMs),
      agg: query.agg,
    });
    return request<SeriesPoint[]>('GET', `/api/devices/${segment(deviceId)}/series?${params.toString()}`);
  },
};
