// The REST API v1 as the UI uses it: same origin, the session cookie, and the CSRF token on every change.

export interface FieldError {
  field: string;
  message: string;
}

/** A refusal from the API (RFC 9457 problem+json), with a sentence to show. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly errors: FieldError[] = [], readonly type?: string) {
    super(message);
  }

  /** The message of the first error on this field (or under it), if any. */
  field(path: string): string | undefined {
    return this.errors.find((e) => e.field === path || e.field.startsWith(path + '.') || e.field.startsWith(path + '['))?.message;
  }
}

/** The session's CSRF token, from its cookie; absent when nobody signed in from this browser. */
export function csrfToken(): string | undefined {
  return document.cookie.split('; ').find((c) => c.startsWith('rowflow_csrf='))?.slice('rowflow_csrf='.length);
}

/** Called when the API answers 401, so the app can show the sign-in page. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void) {
  onSignedOut = handler;
}

/** The workspace the UI works in (the switcher sets it); the server takes the person's first one when absent. */
const WORKSPACE_KEY = 'rowflow.workspace';

export function currentWorkspace(): string | null {
  try {
    return window.localStorage.getItem(WORKSPACE_KEY);
  } catch {
    return null;
  }
}

export function chooseWorkspace(id: string | null) {
  try {
    if (id) window.localStorage.setItem(WORKSPACE_KEY, id); else window.localStorage.removeItem(WORKSPACE_KEY);
  } catch {
    // Storage turned off: the first workspace is used.
  }
  window.dispatchEvent(new Event(WORKSPACES_CHANGED));
}

/** Sent when the person's workspaces or the chosen one change (an invitation accepted, the switcher used). */
export const WORKSPACES_CHANGED = 'rowflow:workspaces-changed';

export async function api<T>(path: string, options: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const token = csrfToken();
  if (method !== 'GET' && token) headers['X-CSRF-Token'] = token;
  const workspace = currentWorkspace();
  if (workspace) headers['Rowflow-Workspace'] = workspace;
  let response: Response;
  try {
    response = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin', signal: options.signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Rowflow could not be reached. Check your connection and try again.');
  }
  if (response.status === 401 && !path.startsWith('/auth/')) onSignedOut();
  if (!response.ok) {
    let problem: { title?: string; detail?: string; errors?: FieldError[]; type?: string } = {};
    try {
      problem = await response.json();
    } catch {
      // Not problem+json (a proxy's page, say): the status line is all there is.
    }
    const message = problem.detail ?? problem.title ?? `The server answered ${response.status}`;
    throw new ApiError(response.status, message, problem.errors ?? [], problem.type);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>(path, { signal });
export const post = <T>(path: string, body?: unknown) => api<T>(path, { method: 'POST', body: body ?? {} });
export const put = <T>(path: string, body: unknown) => api<T>(path, { method: 'PUT', body });
export const del = <T>(path: string) => api<T>(path, { method: 'DELETE' });

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// ---------------------------------------------------------------------------------------------------- API shapes

export interface User {
  id: string;
  email: string;
  name: string | null;
}

export interface ConnectorDescriptor {
  id: string;
  name: string;
  category: string;
  authType: string;
  configSchema: JsonSchema;
  streams: string[];
  incrementalStreams: string[];
  oauthSignIn: boolean;
  /** This server holds the connector's OAuth client; without it, the settings form is the way in. */
  oauthSignInSetUp: boolean;
  /** The tile's colour (#RRGGBB) in the connector picker; absent or null: one derived from the id. */
  brandColor?: string | null;
  /** The tile's letters (1-3); absent or null: the initials of the name's first two words. */
  monogram?: string | null;
}

export interface WriterDescriptor {
  id: string;
  name: string;
  category: string;
  authType: string;
  configSchema: JsonSchema;
}

export interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  writeOnly?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  /** Alternatives, each with its own required fields (a key, or a sign-in's token). */
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  /** A setting most people leave as it is (true), or one shown up front although optional (false). */
  'x-advanced'?: boolean;
}

export interface Connection {
  id: string;
  name: string;
  connectorId: string;
  config: Record<string, unknown>;
  secretFields: string[];
  shared: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  authStatus: string | null;
  /** How the newest Test, preview or run reading it went; null before the first and after a change of settings. */
  lastCheck: { ok: boolean; message: string | null; at: string } | null;
}

export interface Source {
  connectionId: string;
  stream?: string | null;
  parameters?: Record<string, unknown> | null;
  name?: string | null;
  steps?: Record<string, unknown>[] | null;
  sync?: string | null;
}

export interface Destination {
  type: string;
  settings: Record<string, unknown>;
}

export interface FlowBody {
  name: string;
  sources: Source[];
  transform?: { combine?: Record<string, unknown>; steps?: Record<string, unknown>[] } | null;
  destinations: Destination[];
  schedule?: Record<string, unknown> | null;
  runAfter?: string[] | null;
  timeout?: string | null;
  onlyIfChanged?: boolean;
  retries?: number | null;
  /** What a run that reads no rows does: keep the destinations' data (default) or write an empty table. */
  emptyResult?: 'keep' | 'write' | null;
}

export interface Flow extends FlowBody {
  id: string;
  createdAt: string;
  updatedAt: string;
}

/** A saved flow as a request body: what the server adds (id, times) left out, since it refuses fields it does not know. */
export function bodyOf(flow: Flow): FlowBody {
  const { id: _id, createdAt: _c, updatedAt: _u, ...body } = flow;
  return body;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

export interface SourceStats {
  index: number;
  connectionId: string;
  connectorId: string;
  rowsRead: number;
}

export interface DestinationStats {
  index: number;
  type: string;
  rowsWritten: number;
  apiCalls: number | null;
}

export interface Run {
  id: string;
  flowId: string;
  status: RunStatus;
  trigger: string;
  scheduledFor: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMillis: number | null;
  unchanged: boolean;
  sources: SourceStats[] | null;
  destinations: DestinationStats[] | null;
  error: { step: string; message: string; upstreamMessage: string | null } | null;
}

export interface RunPage {
  items: Run[];
  page: number;
  size: number;
  total: number;
}

export interface LogLine {
  at: string;
  level: string;
  message: string;
}

export interface Preview {
  columns: { name: string; type: string }[];
  /** Decimals and integers beyond 2^53 arrive as text ("527.50"), exact; the column type says they are numbers. */
  rows: unknown[][];
  rowCount: number;
  truncated: boolean;
  totalRows: number;
  step: string | null;
  steps: string[];
  sourceRowsCapped: boolean;
  /** Values conversions on the way to this step could not convert and left empty, per step. */
  emptied?: EmptiedValues[];
}

export interface EmptiedValues {
  step: string;
  column: string;
  to: string;
  values: number;
  examples: string[];
}

/** A flow as its list shows it (GET /flows/overview). */
export interface FlowOverview {
  flow: Flow;
  lastRun?: Run | null;
  nextRunAt?: string | null;
}

export interface NextFires {
  timezone: string | null;
  paused: boolean;
  next: { at: string; local: string }[];
}

export interface RunEvent {
  run: Run;
  log: LogLine[];
}

export interface Workspace {
  id: string;
  name: string;
  role: string;
}

/** A pending invitation to a workspace (the same shape for the workspace's admins and for the person invited). */
export interface Invitation {
  id: string;
  workspaceId: string;
  workspaceName: string;
  email: string;
  role: string;
  status: string;
  invitedAt: string;
}

/** A function of the formula language, as the server serves it (GET /transform/functions). */
export interface FormulaFunction {
  name: string;
  minArguments: number;
  maxArguments: number;
  description: string;
  example: string;
}

let formulaFunctionsOnce: Promise<FormulaFunction[]> | null = null;

/** The formula functions, fetched once per page load (again after a failure). */
export function formulaFunctions(): Promise<FormulaFunction[]> {
  formulaFunctionsOnce ??= get<FormulaFunction[]>('/transform/functions').catch((e: unknown) => {
    formulaFunctionsOnce = null;
    throw e;
  });
  return formulaFunctionsOnce;
}
