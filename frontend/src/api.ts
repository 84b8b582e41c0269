import type { components } from './generated/api';

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

export async function api<T>(path: string, options: { method?: string; body?: unknown; file?: Blob; signal?: AbortSignal } = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.file !== undefined) headers['Content-Type'] = 'application/octet-stream';
  const token = csrfToken();
  if (method !== 'GET' && token) headers['X-CSRF-Token'] = token;
  const workspace = currentWorkspace();
  if (workspace) headers['Rowflow-Workspace'] = workspace;
  let response: Response;
  try {
    response = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin', signal: options.signal,
      body: options.file ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
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

/** An uploaded file as the server keeps it: the id a setting names, the original name, its size in bytes. */
export type Upload = Sent<Schemas['Upload']>;

/** Sends a file's bytes as they are (no form encoding); the server keeps it in the current workspace. */
export const uploadFile = (file: File) =>
  api<Upload>('/uploads?name=' + encodeURIComponent(file.name), { method: 'POST', file });

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

// ---------------------------------------------------------------------------------------------------- API shapes
// Generated from the server's OpenAPI description (frontend/openapi.json, by npm run gen:api): a field renamed on the
// server fails the build wherever the UI still uses the old name. Shapes the description leaves loose (a connector's
// JSON Schema, the workspace list's answers) are still written out below.

type Schemas = components['schemas'];

/**
 * A record as the server writes it: Jackson writes every field of a record, so what the description leaves optional
 * (no @NotNull on the Java side) is there in an answer; the types do not say which of those may be null.
 */
export type Sent<T> = T extends (infer E)[] ? Sent<E>[]
  : T extends object ? { [K in keyof T]-?: Sent<Exclude<T[K], undefined>> }
  : T;

/**
 * A request body: fields the description leaves optional may be left out or sent as null (the server reads both as
 * absent).
 */
export type Sendable<T> = T extends (infer E)[] ? Sendable<E>[]
  : T extends object ? { [K in keyof T]: undefined extends T[K] ? Sendable<Exclude<T[K], undefined>> | null | undefined : Sendable<T[K]> }
  : T;

/** {@code T} without the fields {@code K}, which must be fields of it (a renamed one fails here too). */
export type Without<T, K extends keyof T> = Omit<T, K>;

/** {@code T} with the fields {@code K} possibly null: the ones the server sends as null when it has nothing to say. */
export type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | null };

/** A transform step, one type per kind of step (select, filter, calculate…), told apart by its type. */
export type Step = Schemas['Step'];

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
  /** Settings its sign-in addresses are made from (a Shopify shop), asked before the provider's page opens. */
  settingsBeforeSignIn?: string[];
  /** Settings picked from what a saved connection's account lists (an Airtable base, then its table). */
  pickers?: Picker[];
}

export interface WriterDescriptor {
  id: string;
  name: string;
  category: string;
  authType: string;
  configSchema: JsonSchema;
  /** The connection type it writes through (its settings then hold connectionId); null for none. */
  connectionType: string | null;
  /** The file each write leaves to download, if any. */
  file: { fileName: string; mediaType: string; extension: string; linkLabel: string } | null;
  /** Settings picked from what the connection offers, in the order they are shown. */
  pickers: Picker[];
  /** Whether it has secret addresses to show (GET /flows/{id}/destinations/{index}/publication). */
  publishesAddresses: boolean;
}

export interface Picker {
  setting: string;
  title: string;
  dependsOn: string[];
  creatable: boolean;
  endpoint: string;
}

export interface PickerOption {
  value: string;
  label: string;
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
  /** Replaced by a newer field: still read from stored settings, no longer shown. */
  deprecated?: boolean;
  /** A setting holding the id of an uploaded file of this kind ("xlsx"): drawn as a file picker that uploads. */
  'x-upload'?: string;
}

/** A connection as the server shows it; lastCheck: how its newest Test, preview or run went (null before one). */
export type Connection = Nullable<Without<Sent<Schemas['ConnectionView']>, 'lastCheck'>, 'authStatus'>
  & { lastCheck: Nullable<Sent<Schemas['LastCheck']>, 'message'> | null };

/** A source of a flow: a connection, a stream, settings of its own, its steps (see Step). */
export type Source = Sendable<Schemas['Source']>;

export type Destination = Sendable<Schemas['Destination']>;

/** A flow as a request sends it (POST and PUT /flows). */
export type FlowBody = Sendable<Schemas['FlowRequest']>;

/** A saved flow as the server shows it. */
export type Flow = Sent<Schemas['FlowView']>;

/** A saved flow as a request body: what the server adds (id, times) left out, since it refuses fields it does not know. */
export function bodyOf(flow: Flow): FlowBody {
  const { id: _id, createdAt: _c, updatedAt: _u, ...body } = flow;
  return body;
}

export type RunStatus = Schemas['RunStatus'];

export type SourceStats = Sent<Schemas['SourceStats']>;

export type DestinationStats = Nullable<Sent<Schemas['DestinationStats']>, 'apiCalls'>;

export type Run = Nullable<Without<Sent<Schemas['RunView']>, 'destinations' | 'error'>, 'scheduledFor' | 'startedAt' | 'endedAt'
  | 'durationMillis' | 'sources'> & { destinations: DestinationStats[] | null; error: RunError | null };
export type RunError = Nullable<Sent<Schemas['RunError']>, 'upstreamMessage'>;

export type RunPage = Without<Sent<Schemas['Page']>, 'items'> & { items: Run[] };

export type LogLine = Sent<Schemas['LogLine']>;

/** Decimals and integers beyond 2^53 arrive as text ("527.50"), exact; the column type says they are numbers. */
export type Preview = Nullable<Without<Sent<Schemas['Preview']>, 'rows' | 'emptied'>, 'step'> & { rows: unknown[][]; emptied?: EmptiedValues[] };

export type EmptiedValues = Sent<Schemas['EmptiedValues']>;

/** A flow as its list shows it (GET /flows/overview). */
export type FlowOverview = Without<Sent<Schemas['FlowOverview']>, 'lastRun' | 'nextRunAt'> & { lastRun?: Run | null; nextRunAt?: string | null };

export type NextFires = Nullable<Sent<Schemas['NextFires']>, 'timezone'>;

export type RunEvent = Without<Sent<Schemas['Event1']>, 'run'> & { run: Run };

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
export type FormulaFunction = Sent<Schemas['FormulaFunction']>;

let formulaFunctionsOnce: Promise<FormulaFunction[]> | null = null;

/** The formula functions, fetched once per page load (again after a failure). */
export function formulaFunctions(): Promise<FormulaFunction[]> {
  formulaFunctionsOnce ??= get<FormulaFunction[]>('/transform/functions').catch((e: unknown) => {
    formulaFunctionsOnce = null;
    throw e;
  });
  return formulaFunctionsOnce;
}
