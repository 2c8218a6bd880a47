/**
 * The page's client of the HTTP API (/v1, docs/api.md). The browser holds the session in the
 * HttpOnly cookies set at sign-in; an expired access token is renewed once with the refresh cookie
 * before the page falls back to the sign-in form. The types come from the domain's zod schemas
 * (type-only imports: nothing of the server is bundled).
 */
import type { Principal } from '../../domain/access/index.ts';
import type { IntakeAccounts } from '../../domain/accounts/index.ts';
import type { LedgerCounts, LedgerItemDetail, LedgerItemReadings, LedgerListPage, LedgerQuery } from '../../domain/ledger/index.ts';
import type { IntakeFeatureCollection } from '../../domain/map/index.ts';
import type { Submission, SubmissionKind, SubmissionState } from '../../domain/submissions/index.ts';

export type Me = Pick<Principal, 'actor' | 'kind' | 'divisionCode' | 'role' | 'confidential'>;

/** An answer other than 2xx, with the API's problem document (RFC 9457) when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** Called when the session has ended for good: the page shows the sign-in form. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

interface ProblemBody {
  title?: string;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

async function problemOf(res: Response): Promise<ApiError> {
  let body: ProblemBody = {};
  try {
    body = (await res.json()) as ProblemBody;
  } catch {
    // not a problem document: the status says enough
  }
  const fields = (body.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
  const message = [body.detail ?? body.title ?? res.statusText, fields].filter(Boolean).join(' — ');
  return new ApiError(res.status, body.code ?? String(res.status), message);
}

let refreshing: Promise<boolean> | undefined;
function refresh(): Promise<boolean> {
  refreshing ??= fetch('/v1/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

type SendInit = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

async function send(path: string, init: SendInit = {}, retried = false): Promise<Response> {
  const headers = { accept: 'application/json', ...init.headers };
  const res = await fetch(`/v1${path}`, { ...init, credentials: 'same-origin', headers });
  if (res.status === 401 && !path.startsWith('/auth/')) {
    if (!retried && (await refresh())) return send(path, init, true);
    onSignedOut();
  }
  if (!res.ok) throw await problemOf(res);
  return res;
}

async function getJson<T>(path: string): Promise<T> {
  return (await (await send(path)).json()) as T;
}

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await send(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (res.status === 204 ? null : await res.json()) as T;
}

/** A query string from the defined values only. */
function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export type { LedgerCounts, LedgerItemReadings };

export interface RuleTitle {
  id: string;
  kind: 'item' | 'notice';
  titleZh: string;
  titleEn: string;
}

export interface PageConfig {
  tileUrl: string | null;
  tileAttribution: string;
}

/** The list's filters as the URL carries them (text); the API validates them. */
export type LedgerFilters = Partial<Record<keyof LedgerQuery, string | number>>;

export const api = {
  pageConfig: async (): Promise<PageConfig> => (await fetch('/app/config.json')).json() as Promise<PageConfig>,
  signIn: (username: string, password: string) => postJson<{ principal: Me }>('/auth/login', { username, password, cookie: true }),
  signOut: () => postJson<null>('/auth/logout', {}),
  me: () => getJson<Me>('/auth/me'),
  rules: () => getJson<{ rules: RuleTitle[] }>('/rules'),
  ledger: (f: LedgerFilters) => getJson<LedgerListPage>(`/ledger/items${queryString({ ...f })}`),
  ledgerCounts: (f: LedgerFilters) => getJson<LedgerCounts>(`/ledger/counts${queryString({ ...f })}`),
  item: async (id: string): Promise<{ detail: LedgerItemDetail; etag: string | null }> => {
    const res = await send(`/ledger/items/${encodeURIComponent(id)}`);
    return { detail: (await res.json()) as LedgerItemDetail, etag: res.headers.get('etag') };
  },
  itemReadings: (id: string) => getJson<LedgerItemReadings>(`/ledger/items/${encodeURIComponent(id)}/readings`),
  /** One lifecycle step as multipart/form-data: the fields and the files in `attachments`. */
  transition: (id: string, form: FormData, etag: string | null) =>
    send(`/ledger/items/${encodeURIComponent(id)}/transitions`, { method: 'POST', body: form, headers: etag ? { 'if-match': etag } : {} }),
  intakeAccounts: (id: string, year: number) => getJson<IntakeAccounts>(`/accounts/intakes/${encodeURIComponent(id)}?year=${year}`),
  map: () => getJson<IntakeFeatureCollection>('/map/intakes'),
  submissions: (params: { status?: string; kind?: SubmissionKind; period?: string }) =>
    getJson<{ items: Submission[] }>(`/submissions${queryString(params)}`),
  submissionStates: (kind: SubmissionKind, period: string) =>
    getJson<{ items: SubmissionState[] }>(`/submissions/states${queryString({ kind, period })}`),
  submit: (kind: SubmissionKind, period: string) => postJson<Submission>('/submissions', { kind, period }),
  review: (id: string, decision: 'accept' | 'return', note?: string) =>
    postJson<Submission>(`/submissions/${encodeURIComponent(id)}/review`, note ? { decision, note } : { decision }),
};
