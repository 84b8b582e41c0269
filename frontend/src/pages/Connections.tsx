import { useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { Connection, ConnectorDescriptor, get, messageOf, post, put, del } from '../api';
import { BrandMark } from '../components/BrandMark';
import { ConnectDialog, signInWithPopup } from '../components/ConnectDialog';
import { EditConnectionDialog } from '../components/EditConnectionDialog';
import { useCan } from '../components/Role';
import { nameOfId } from '../components/labels';
import { Empty, ErrorBox, Loading, RelativeTime, StatusBadge, formatTime, useLoad } from '../components/ui';

export default function Connections() {
  const { id: highlighted } = useParams();
  const connections = useLoad((signal) => get<Connection[]>('/connections', signal), []);
  const catalog = useLoad((signal) => get<ConnectorDescriptor[]>('/connection-types', signal), []);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Connection | null>(null);
  const [checks, setChecks] = useState<Record<string, { ok: boolean; message: string } | 'checking'>>({});
  const [error, setError] = useState<string | null>(null);
  const can = useCan();
  const connectorOf = (id: string) => catalog.value?.find((c) => c.id === id);

  useEffect(() => {
    if (highlighted) document.getElementById('connection-' + highlighted)?.scrollIntoView({ block: 'center' });
  }, [highlighted, connections.value]);

  // A failed run's "Edit the connection" lands here with ?edit=1: the dialog opens on that connection, once.
  const [search, setSearch] = useSearchParams();
  useEffect(() => {
    const wanted = search.get('edit') && connections.value?.find((c) => c.id === highlighted);
    if (wanted && can('editor')) {
      setEditing(wanted);
      setSearch({}, { replace: true });
    }
  }, [search, highlighted, connections.value, can, setSearch]);

  const test = async (c: Connection) => {
    setChecks((s) => ({ ...s, [c.id]: 'checking' }));
    try {
      const result = await post<{ ok: boolean; message: string }>(`/connections/${c.id}/check`);
      setChecks((s) => ({ ...s, [c.id]: result }));
    } catch (e) {
      setChecks((s) => ({ ...s, [c.id]: { ok: false, message: messageOf(e) } }));
    }
  };

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
      connections.reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <section aria-labelledby="connections-title">
      <header className="page-header">
        <h1 id="connections-title">Connections</h1>
        {can('editor') && <button type="button" className="button primary" onClick={() => setAdding(true)}>Add connection</button>}
      </header>
      {error && <ErrorBox message={error} />}
      {connections.loading && !connections.value && <Loading />}
      {connections.error && <ErrorBox message={connections.error} onRetry={connections.reload} />}
      {connections.value?.length === 0 && (
        <Empty title="No connections yet"><p>Connect HubSpot, Shopify, Stripe, Google Sheets, a database or a CSV/JSON URL to start.</p></Empty>
      )}
      {connections.value && connections.value.length > 0 && (
        <div className="table-wrap">
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Connection</th><th scope="col">Status</th><th scope="col">Access</th>
                <th scope="col">Changed</th><th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {connections.value.map((c) => {
                const connector = connectorOf(c.connectorId);
                const check = checks[c.id];
                return (
                  <tr key={c.id} id={'connection-' + c.id} className={c.id === highlighted ? 'highlight' : undefined}>
                    <td>
                      <div className="with-mark">
                        <BrandMark id={c.connectorId} name={connector?.name ?? nameOfId(c.connectorId)} color={connector?.brandColor}
                          monogram={connector?.monogram} size={28} />
                        <div>
                          <strong>{c.name}</strong>
                          <div className="muted">{connector?.name ?? nameOfId(c.connectorId)}</div>
                          {check && check !== 'checking' && (
                            <div className={check.ok ? 'ok-text' : 'error-text'} role="status">{check.ok ? '✓ ' : '✗ '}{check.message}</div>
                          )}
                          {!check && c.lastCheck && !c.lastCheck.ok && (
                            <div className="error-text">✗ {c.lastCheck.message} <span className="muted">(<RelativeTime iso={c.lastCheck.at} />)</span></div>
                          )}
                        </div>
                      </div>
                    </td>
                    <td>
                      <StatusBadge status={connectionStatus(c, check)} />
                    </td>
                    <td>
                      {can('editor') ? (
                        <label className="inline">
                          <input type="checkbox" checked={c.shared}
                            onChange={(e) => act(() => put(`/connections/${c.id}`, { name: c.name, connectorId: c.connectorId, config: c.config, shared: e.target.checked }))} />
                          {c.shared ? 'Shared with the workspace' : 'Private'}
                        </label>
                      ) : (c.shared ? 'Shared with the workspace' : 'Private')}
                    </td>
                    <td data-label="Changed">{formatTime(c.updatedAt)}</td>
                    <td className="actions">
                      {can('editor') && <>
                      <button type="button" className="button small" onClick={() => test(c)} disabled={check === 'checking'}>
                        {check === 'checking' ? 'Testing…' : 'Test'}
                      </button>
                      {connector && (
                        <button type="button" className="button small" onClick={() => setEditing(c)}>Edit</button>
                      )}
                      {connector?.oauthSignIn && connector.oauthSignInSetUp && (
                        <button type="button" className="button small"
                          onClick={() => act(() => signInWithPopup(c.connectorId, c.name, c.id))}>Reconnect</button>
                      )}
                      <button type="button" className="button small danger"
                        onClick={() => window.confirm(`Delete the connection "${c.name}"?`) && act(() => del(`/connections/${c.id}`))}>
                        Delete
                      </button>
                      </>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {editing && connectorOf(editing.connectorId) && (
        <EditConnectionDialog connection={editing} connector={connectorOf(editing.connectorId)!} onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            connections.reload();
            // Saved settings are tested at once, so the badge tells whether they work.
            test(saved);
          }} />
      )}
      {adding && (
        <ConnectDialog onClose={() => setAdding(false)} onConnected={() => { setAdding(false); connections.reload(); }} />
      )}
    </section>
  );
}

/**
 * The badge's word on a connection: a sign-in to renew first; else the Test just run on this page; else how the
 * newest Test, preview or run reading it went (kept by the server); else not known yet.
 */
export function connectionStatus(c: Pick<Connection, 'authStatus' | 'lastCheck'>,
  check: 'checking' | { ok: boolean } | undefined): string {
  if (c.authStatus === 'needs_reauthorization') return 'needs_reauthorization';
  if (check === 'checking') return 'checking';
  if (check) return check.ok ? 'ok' : 'failing';
  if (c.authStatus === 'needs_attention') return 'failing';
  if (c.lastCheck) return c.lastCheck.ok ? 'ok' : 'failing';
  return 'unchecked';
}
