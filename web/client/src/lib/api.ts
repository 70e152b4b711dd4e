import type {
  CaseCommand,
  CaseDetailView,
  CaseView,
  ErrorBody,
  ErrorCode,
  OverviewView,
  SeriesPoint,
  SessionView,
  User,
} from '@gridsense/core';

/** A failed API call: the server's code and message, or `network` when no answer came. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network';
  readonly details: string[] | undefined;
  readonly correlationId: string | undefined;

  constructor(
    status: number,
    code: ErrorCode | 'network',
    message: string,
    details?: string[],
    correlationId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.correlationId = correlationId;
  }
}

interface ApiHooks {
  token: () => string | null;
  /** Called on a 401 from any call but login (the session has expired or was revoked). */
  onUnauthorized: () => void;
}

let hooks: ApiHooks = { token: () => null, onUnauthorized: () => {} };

export function configureApi(next: ApiHooks): void {
  hooks = next;
}

type Body = object | Blob | undefined;

async function request<T>(method: string, path: string, body?: Body, isLogin = false): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = hooks.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
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
  if (!response.ok) {
    const failure = await errorFrom(response);
    if (response.status === 401 && !isLogin) hooks.onUnauthorized();
    throw failure;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const { error } = (await response.json()) as ErrorBody;
    return new ApiError(response.status, error.code, error.message, error.details, error.correlationId);
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
  login: (username: string, password: string) =>
    request<SessionView>('POST', '/api/session', { username, password }, true),
  logout: () => request<void>('DELETE', '/api/session'),
  me: () => request<User>('GET', '/api/me'),
  overview: () => request<OverviewView>('GET', '/api/overview'),
  cases: (scope: 'open' | 'all') => request<CaseView[]>('GET', `/api/cases?scope=${scope}`),
  caseDetail: (id: string) => request<CaseDetailView>('GET', `/api/cases/${segment(id)}`),
  act: (id: string, command: CaseCommand) =>
    request<CaseView>('POST', `/api/cases/${segment(id)}/actions`, command),
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
