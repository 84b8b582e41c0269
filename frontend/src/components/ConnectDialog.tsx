import { FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, Connection, ConnectorDescriptor, get, messageOf, post } from '../api';
import { BrandMark } from './BrandMark';
import { categoryLabel, categoryOf, categoryRank } from './labels';
import { Dialog, ErrorBox, Field, Loading, useLoad } from './ui';
import { SchemaForm } from './SchemaForm';
import { useUnsavedChanges } from './UnsavedChanges';

/**
 * Opens the provider's consent page in a popup; resolves with the connection the sign-in made, or rejects when the
 * popup is blocked or closed first. {@code connectionId} reconnects an existing connection.
 */
export function signInWithPopup(connectorId: string, name: string, connectionId?: string,
  before: Record<string, string> = {}): Promise<string> {
  const query = new URLSearchParams({ ...before, name });
  if (connectionId) query.set('connectionId', connectionId);
  const popup = window.open(`/api/v1/oauth/${connectorId}/authorize?${query}`, 'rowflow-oauth', 'width=560,height=720');
  if (!popup) return Promise.reject(new Error('The browser blocked the sign-in window: allow popups for Rowflow and try again.'));
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || event.data?.type !== 'rowflow:connected') return;
      done();
      resolve(event.data.connectionId);
    };
    const watch = window.setInterval(() => {
      if (popup.closed) {
        done();
        reject(new Error('The sign-in window was closed before the account was connected.'));
      }
    }, 500);
    const done = () => {
      window.removeEventListener('message', onMessage);
      window.clearInterval(watch);
    };
    window.addEventListener('message', onMessage);
  });
}

/** The apps whose name, id or category holds the query, grouped by category in the picker's order, by name inside. */
export function groupApps(connectors: ConnectorDescriptor[], query: string) {
  const q = query.trim().toLocaleLowerCase();
  const matching = connectors.filter((c) => q === ''
    || [c.name, c.id, categoryLabel(c.category)].some((text) => text.toLocaleLowerCase().includes(q)));
  const groups = new Map<string, ConnectorDescriptor[]>();
  for (const c of matching) groups.set(categoryOf(c.category), [...(groups.get(categoryOf(c.category)) ?? []), c]);
  return [...groups.entries()]
    .map(([category, apps]) => ({ category, label: categoryLabel(category), apps: apps.sort((a, b) => a.name.localeCompare(b.name)) }))
    .sort((a, b) => categoryRank(a.category) - categoryRank(b.category) || a.label.localeCompare(b.label));
}

/** Fewer apps than this are listed without a search field. */
const SEARCH_FROM = 4;

/** "Add a connection": pick an app, then sign in with it (OAuth) or fill in its settings. */
export function ConnectDialog({ onClose, onConnected, only }: {
  onClose: () => void;
  onConnected: (connection: Connection) => void;
  /** Connector ids to offer (a Google destination wants a Google connection); all when absent. */
  only?: string[];
}) {
  const catalog = useLoad((signal) => get<ConnectorDescriptor[]>('/connection-types', signal), []);
  const [chosen, setChosen] = useState<ConnectorDescriptor | null>(null);
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const [withKey, setWithKey] = useState(false);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const [query, setQuery] = useState('');
  const nameInput = useRef<HTMLInputElement>(null);
  const picker = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (chosen) {
      setName(chosen.name);
      setConfig({});
      setWithKey(!chosen.oauthSignIn || !chosen.oauthSignInSetUp);
      setError(null);
      nameInput.current?.focus();
    }
  }, [chosen]);

  // The list arrives after the dialog opened, and comes back after "Other apps": the focus goes to its search (or first app).
  useEffect(() => {
    if (!chosen && catalog.value) picker.current?.querySelector<HTMLElement>('input, button')?.focus();
  }, [chosen, catalog.value]);

  // Typed settings or a changed name are work: leaving the page or closing the dialog asks first.
  const unsaved = chosen !== null && (name !== chosen.name || Object.values(config).some((v) => v !== '' && v !== undefined));
  useUnsavedChanges(unsaved);
  const leave = (then: () => void) => {
    if (!unsaved || window.confirm('Discard this connection? The settings you typed are not saved.')) then();
  };

  const connectors = (catalog.value ?? []).filter((c) => !only || only.includes(c.id));
  const groups = groupApps(connectors, query);
  const shown = groups.reduce((n, g) => n + g.apps.length, 0);
  // Headings only where the apps span categories; the same with or without a query, so the list does not jump.
  const headed = new Set(connectors.map((c) => categoryOf(c.category))).size > 1;

  const finish = async (id: string) => onConnected(await get<Connection>(`/connections/${id}`));

  const signIn = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const before = Object.fromEntries((chosen.settingsBeforeSignIn ?? [])
        .map((key) => [key, String(config[key] ?? '').trim()]));
      const missing = Object.entries(before).filter(([, value]) => !value).map(([key]) => titleOf(chosen, key));
      if (missing.length > 0) {
        setError(`Enter ${missing.join(' and ')} first: the sign-in page is ${chosen.name}'s own for it.`);
        return;
      }
      await finish(await signInWithPopup(chosen.id, name.trim() || chosen.name, undefined, before));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const save = async (e: FormEvent) => {
    // The dialog may open over another form (the flow builder's): this submit is the dialog's alone.
    e.preventDefault();
    e.stopPropagation();
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      const connection = await post<Connection>('/connections', { name: name.trim(), connectorId: chosen.id, config });
      onConnected(connection);
    } catch (err) {
      setError(err instanceof ApiError ? err : messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const apiError = error instanceof ApiError ? error : null;
  return (
    <Dialog title={chosen ? `Connect ${chosen.name}` : 'Add a connection'} onClose={() => leave(onClose)}>
      {catalog.loading && <Loading />}
      {catalog.error && <ErrorBox message={catalog.error} onRetry={catalog.reload} />}
      {!chosen && catalog.value && (
        <div className="picker" ref={picker}>
          {connectors.length >= SEARCH_FROM && (
            <div className="field picker-search">
              <label htmlFor="app-search">Search apps</label>
              <input id="app-search" type="search" autoComplete="off" placeholder="HubSpot, Jira, CSV…" value={query}
                aria-describedby="app-search-count" onChange={(e) => setQuery(e.target.value)}
                onKeyDown={(e) => {
                  // One app left: Enter picks it.
                  if (e.key === 'Enter' && shown === 1) setChosen(groups[0].apps[0]);
                }} />
              <small id="app-search-count" className="hint" role="status">
                {query.trim() === '' ? '' : shown === 1 ? '1 app matches' : `${shown} apps match`}
              </small>
            </div>
          )}
          {groups.map((group) => (
            <section key={group.category} className="app-group" aria-labelledby={headed ? `apps-${group.category}` : undefined}
              aria-label={headed ? undefined : 'Apps'}>
              {headed && <h3 id={`apps-${group.category}`}>{group.label}</h3>}
              <ul className="tiles">
                {group.apps.map((c) => (
                  <li key={c.id}>
                    <button type="button" className="tile" onClick={() => setChosen(c)}>
                      <BrandMark id={c.id} name={c.name} color={c.brandColor} monogram={c.monogram} />
                      <span className="tile-name">{c.name}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          {shown === 0 && (
            <p className="muted">
              No app matches “{query.trim()}”.{' '}
              <button type="button" className="link" onClick={() => setQuery('')}>Show all apps</button>
            </p>
          )}
        </div>
      )}
      {chosen && (
        <form onSubmit={save} className="stack">
          <Field id="connection-name" label="Name" hint="How this account is called in Rowflow" error={apiError?.field('name')}>
            <input id="connection-name" ref={nameInput} required value={name}
              aria-describedby={apiError?.field('name') ? 'connection-name-error' : 'connection-name-hint'}
              aria-invalid={apiError?.field('name') ? true : undefined} onChange={(e) => setName(e.target.value)} />
          </Field>
          {chosen.oauthSignIn && !chosen.oauthSignInSetUp && (
            <p className="notice" data-testid="sign-in-not-set-up">
              Sign-in with {chosen.name} is not set up on this Rowflow yet: an administrator registers an OAuth client
              and sets <code>rowflow.oauth.provider.{chosen.id}.client-id</code> and <code>client-secret</code>.
              Until then, connect with {keyFieldsOf(chosen).length > 0 ? `its ${keyFieldsOf(chosen).join(' or ')}` : 'the settings'} below.
            </p>
          )}
          {chosen.oauthSignIn && chosen.oauthSignInSetUp && !withKey && (
            <div className="stack">
              {(chosen.settingsBeforeSignIn ?? []).length > 0 && (
                <SchemaForm schema={onlySettings(chosen, chosen.settingsBeforeSignIn ?? [])} value={config} onChange={setConfig}
                  idPrefix="config" errorFor={(path) => apiError?.field('config.' + path)} />
              )}
              <p>You will approve Rowflow's access on {chosen.name}'s own page, in a new window.</p>
              <button type="button" className="button primary" onClick={signIn} disabled={busy}>
                {busy ? 'Waiting for the sign-in…' : `Sign in with ${chosen.name}`}
              </button>
              <button type="button" className="link" onClick={() => setWithKey(true)}>Use an API key or token instead</button>
            </div>
          )}
          {withKey && (
            <>
              <SchemaForm schema={chosen.configSchema} value={config} onChange={setConfig} idPrefix="config"
                errorFor={(path) => apiError?.field('config.' + path)} />
              <button type="submit" className="button primary" disabled={busy}>{busy ? 'Saving…' : 'Save connection'}</button>
            </>
          )}
          {error && <ErrorBox message={typeof error === 'string' ? error : error.message} />}
          <button type="button" className="link" onClick={() => leave(() => setChosen(null))}>← Other apps</button>
        </form>
      )}
    </Dialog>
  );
}

/**
 * The secrets a user can enter instead of signing in (a key, a token), by title: those the schema does not mark as set
 * by the sign-in ({@code x-set-by-sign-in}).
 */
export function keyFieldsOf(connector: ConnectorDescriptor): string[] {
  return Object.entries(connector.configSchema.properties ?? {})
    .filter(([, property]) => property.writeOnly && !(property as Record<string, unknown>)['x-set-by-sign-in'])
    .map(([key, property]) => property.title ?? key);
}

/** The settings schema cut to {@code keys}, each required: what a sign-in needs asked first. */
function onlySettings(connector: ConnectorDescriptor, keys: string[]) {
  const properties = Object.fromEntries(keys.map((k) => [k, connector.configSchema.properties?.[k] ?? { type: 'string' }]));
  return { ...connector.configSchema, properties, required: keys };
}

function titleOf(connector: ConnectorDescriptor, key: string): string {
  return connector.configSchema.properties?.[key]?.title ?? key;
}
