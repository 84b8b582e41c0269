import { FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, Connection, ConnectorDescriptor, get, messageOf, post } from '../api';
import { Dialog, ErrorBox, Field, Loading, useLoad } from './ui';
import { SchemaForm } from './SchemaForm';
import { useUnsavedChanges } from './UnsavedChanges';

/**
 * Opens the provider's consent page in a popup; resolves with the connection the sign-in made, or rejects when the
 * popup is blocked or closed first. {@code connectionId} reconnects an existing connection.
 */
export function signInWithPopup(connectorId: string, name: string, connectionId?: string): Promise<string> {
  const query = new URLSearchParams({ name });
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

/** "Add a connection": pick an app, then sign in with it (OAuth) or fill in its settings. */
export function ConnectDialog({ onClose, onConnected, only }: {
  onClose: () => void;
  onConnected: (connection: Connection) => void;
  /** Connector ids to offer (a Google destination wants a Google connection); all when absent. */
  only?: string[];
}) {
  const catalog = useLoad((signal) => get<ConnectorDescriptor[]>('/connectors', signal), []);
  const [chosen, setChosen] = useState<ConnectorDescriptor | null>(null);
  const [name, setName] = useState('');
  const [config, setConfig] = useState<Record<string, unknown>>({});
  const [withKey, setWithKey] = useState(false);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (chosen) {
      setName(chosen.name);
      setConfig({});
      setWithKey(!chosen.oauthSignIn || !chosen.oauthSignInSetUp);
      setError(null);
      nameInput.current?.focus();
    }
  }, [chosen]);

  // Typed settings or a changed name are work: leaving the page or closing the dialog asks first.
  const unsaved = chosen !== null && (name !== chosen.name || Object.values(config).some((v) => v !== '' && v !== undefined));
  useUnsavedChanges(unsaved);
  const leave = (then: () => void) => {
    if (!unsaved || window.confirm('Discard this connection? The settings you typed are not saved.')) then();
  };

  const connectors = (catalog.value ?? []).filter((c) => !only || only.includes(c.id));

  const finish = async (id: string) => onConnected(await get<Connection>(`/connections/${id}`));

  const signIn = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    try {
      await finish(await signInWithPopup(chosen.id, name.trim() || chosen.name));
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
        <ul className="tiles" aria-label="Apps">
          {connectors.map((c) => (
            <li key={c.id}>
              <button type="button" className="tile" onClick={() => setChosen(c)}>
                <strong>{c.name}</strong>
                <span className="muted">{c.category}</span>
              </button>
            </li>
          ))}
        </ul>
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
              Until then, connect with {chosen.id === 'google-sheets' ? "a service account's key" : 'an API key or token'} below.
            </p>
          )}
          {chosen.oauthSignIn && chosen.oauthSignInSetUp && !withKey && (
            <div className="stack">
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
