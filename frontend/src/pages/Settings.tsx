import { FormEvent, RefObject, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import {
  ApiError, Flow, Invitation, User, Workspace, del, get, messageOf, post, put,
} from '../api';
import { MyInvitations } from '../components/Invitations';
import { useCurrentWorkspace } from '../components/Role';
import { ConfirmDialog, CopyableSecret, ErrorBox, Field, Loading, formatTime, useLoad } from '../components/ui';

interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: string;
  joinedAt: string;
}

interface Token {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

const ROLES = ['viewer', 'editor', 'admin', 'owner'];

/**
 * Closes a confirmation once its action is done and puts the focus on the section's heading: the button that opened it
 * goes away with its row, and the focus would otherwise fall back to the top of the page.
 */
function closeThenFocus(close: () => void, heading: RefObject<HTMLHeadingElement | null>) {
  flushSync(close);
  heading.current?.focus();
}
const canAdmin = (role: string) => ['admin', 'owner'].includes(role.toLowerCase());

export default function Settings({ user }: { user: User }) {
  const { workspaces, workspace } = useCurrentWorkspace();
  return (
    <section aria-labelledby="settings-title" className="stack">
      <header className="page-header"><h1 id="settings-title">Settings</h1></header>
      <MyInvitations />
      {workspaces.loading && !workspaces.value && <Loading />}
      {workspaces.error && <ErrorBox message={workspaces.error} onRetry={workspaces.reload} />}
      {workspace && <Members key={workspace.id} workspace={workspace} user={user} />}
      {workspace && <Notifications admin={canAdmin(workspace.role)} />}
      <Tokens />
      {workspace && canAdmin(workspace.role) && <Webhooks />}
    </section>
  );
}

function Members({ workspace, user }: { workspace: Workspace; user: User }) {
  const members = useLoad((signal) => get<Member[]>(`/workspaces/${workspace.id}/members`, signal), [workspace.id]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('editor');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [invited, setInvited] = useState<Invitation | null>(null);
  const admin = canAdmin(workspace.role);
  const invitations = useLoad((signal) => (admin ? get<Invitation[]>(`/workspaces/${workspace.id}/invitations`, signal)
    : Promise.resolve([])), [workspace.id, admin]);

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    setInvited(null);
    try {
      await action();
      members.reload();
      invitations.reload();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e : messageOf(e));
      return false;
    }
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    let invitation: Invitation | null = null;
    const done = await act(async () => {
      invitation = await post<Invitation>(`/workspaces/${workspace.id}/members`, { email, role, password: password || undefined });
    });
    if (done) {
      setInvited(invitation);
      setEmail('');
      setPassword('');
    }
  };

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members of {workspace.name}</h2>
      {members.loading && !members.value && <Loading />}
      {members.error && <ErrorBox message={members.error} onRetry={members.reload} />}
      {error && <ErrorBox message={typeof error === 'string' ? error : error.message} />}
      {invited && (
        <div className="notice" role="status">
          Invitation sent to {invited.email}. They become a member of {workspace.name} when they accept it: signed in to
          Rowflow, they find it on their Flows page and in Settings.
        </div>
      )}
      <table className="list">
        <thead><tr><th scope="col">Person</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
        <tbody>
          {members.value?.map((m) => (
            <tr key={m.userId}>
              <td><strong>{m.name || m.email}</strong><div className="muted">{m.email}</div></td>
              <td>
                {admin && m.userId !== user.id ? (
                  <select aria-label={`Role of ${m.email}`} value={m.role.toLowerCase()}
                    onChange={(e) => act(() => put(`/workspaces/${workspace.id}/members/${m.userId}`, { role: e.target.value }))}>
                    {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                ) : m.role.toLowerCase()}
              </td>
              <td data-label="Joined">{formatTime(m.joinedAt)}</td>
              <td className="actions">
                {admin && m.userId !== user.id && (
                  <button type="button" className="button small danger"
                    onClick={() => window.confirm(`Remove ${m.email} from ${workspace.name}?`) && act(() => del(`/workspaces/${workspace.id}/members/${m.userId}`))}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {admin && invitations.error && <ErrorBox message={invitations.error} onRetry={invitations.reload} />}
      {admin && invitations.value && invitations.value.length > 0 && (
        <>
          <h3 id="invitations-title">Invited, not yet accepted</h3>
          <table className="list" aria-labelledby="invitations-title">
            <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Invited</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {invitations.value.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{i.role.toLowerCase()}</td>
                  <td data-label="Invited">{formatTime(i.invitedAt)}</td>
                  <td className="actions">
                    <button type="button" className="button small danger" aria-label={`Withdraw the invitation to ${i.email}`}
                      onClick={() => window.confirm(`Withdraw the invitation to ${i.email}? They can then no longer accept it.`)
                        && act(() => del(`/workspaces/${workspace.id}/invitations/${i.id}`))}>
                      Withdraw
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {admin && (
        <form className="row wrap end" onSubmit={add} aria-label="Add a member">
          <Field id="member-email" label="Email" error={apiError?.field('email')}>
            <input id="member-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)}
              aria-invalid={apiError?.field('email') ? true : undefined}
              aria-describedby={apiError?.field('email') ? 'member-email-error' : undefined} />
          </Field>
          <Field id="member-role" label="Role">
            <select id="member-role" value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
          </Field>
          <Field id="member-password" label="First password" hint="For someone new to Rowflow" error={apiError?.field('password')}>
            <input id="member-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)}
              aria-invalid={apiError?.field('password') ? true : undefined}
              aria-describedby={apiError?.field('password') ? 'member-password-error' : 'member-password-hint'} />
          </Field>
          <button type="submit" className="button">Invite member</button>
        </form>
      )}
    </section>
  );
}

interface Channel {
  id: string;
  name: string;
  host: string;
  events: 'failures' | 'all';
  createdAt: string;
}

function Notifications({ admin }: { admin: boolean }) {
  const channels = useLoad((signal) => get<Channel[]>('/notifications', signal), []);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<Channel['events']>('failures');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [results, setResults] = useState<Record<string, { ok: boolean; message: string } | 'sending'>>({});
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/notifications', { name, url, events });
      setName('');
      setUrl('');
      channels.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : messageOf(err));
    }
  };

  const test = async (channel: Channel) => {
    setResults((r) => ({ ...r, [channel.id]: 'sending' }));
    try {
      const result = await post<{ ok: boolean; message: string }>(`/notifications/${channel.id}/test`);
      setResults((r) => ({ ...r, [channel.id]: result }));
    } catch (err) {
      setResults((r) => ({ ...r, [channel.id]: { ok: false, message: messageOf(err) } }));
    }
  };

  const apiError = error instanceof ApiError ? error : null;
  return (
    <section className="card" aria-labelledby="notifications-title">
      <h2 id="notifications-title" tabIndex={-1} ref={heading}>Notifications</h2>
      <p className="hint">
        Rowflow posts to these addresses when a run fails (and when the flow works again), or after every run. A Slack
        incoming webhook shows the message as it is; other receivers get JSON with the flow, the run and the error.
      </p>
      {channels.error && <ErrorBox message={channels.error} onRetry={channels.reload} />}
      {error && <ErrorBox message={typeof error === 'string' ? error : error.message} />}
      {channels.value?.length === 0 && <p className="muted">No notifications yet: failed runs are only shown here, in Rowflow.</p>}
      {channels.value && channels.value.length > 0 && (
        <table className="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Tells about</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {channels.value.map((c) => {
              const result = results[c.id];
              return (
                <tr key={c.id}>
                  <td>
                    {c.name}
                    {result && result !== 'sending' && (
                      <div className={result.ok ? 'ok-text' : 'error-text'} role="status">{result.ok ? '✓ ' : '✗ '}{result.message}</div>
                    )}
                  </td>
                  <td className="mono">{c.host}/…</td>
                  <td>{c.events === 'all' ? 'every run' : 'failures and recoveries'}</td>
                  <td className="actions">
                    {admin && (
                      <>
                        <button type="button" className="button small" disabled={result === 'sending'} onClick={() => test(c)}>
                          {result === 'sending' ? 'Sending…' : 'Send test'}
                        </button>
                        <button type="button" className="button small danger" onClick={() => setDeleting(c)}>Delete</button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {admin && (
        <form className="row wrap end" onSubmit={add} aria-label="Add a notification">
          <Field id="notification-name" label="Name" error={apiError?.field('name')}>
            <input id="notification-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="#data-alerts" />
          </Field>
          <Field id="notification-url" label="Webhook address" error={apiError?.field('url')}>
            <input id="notification-url" type="url" required value={url} autoComplete="off"
              placeholder="https://hooks.slack.com/services/…" onChange={(e) => setUrl(e.target.value)} />
          </Field>
          <Field id="notification-events" label="Tell about">
            <select id="notification-events" value={events} onChange={(e) => setEvents(e.target.value as Channel['events'])}>
              <option value="failures">failures and recoveries</option>
              <option value="all">every run</option>
            </select>
          </Field>
          <button type="submit" className="button">Add notification</button>
        </form>
      )}
      {deleting && (
        <ConfirmDialog title="Delete this notification?" confirmLabel="Delete notification" onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await del(`/notifications/${deleting.id}`);
            closeThenFocus(() => setDeleting(null), heading);
            channels.reload();
          }}>
          <p>
            Rowflow stops posting to <strong>{deleting.name}</strong> ({deleting.host}). Failed runs are then only shown
            here, in Rowflow, unless another notification tells about them.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function Tokens() {
  const tokens = useLoad((signal) => get<Token[]>('/tokens', signal), []);
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const token = await post<{ token: string }>('/tokens', { name, expiresInDays: days ? Number(days) : undefined });
      setCreated(token.token);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title" tabIndex={-1} ref={heading}>API tokens</h2>
      <p className="hint">For scripts and BI tools: send it as <code>Authorization: Bearer …</code>. It acts as you.</p>
      {created && (
        <div className="notice stack tight">
          <span>Copy the token now; it is not shown again:</span>
          <CopyableSecret value={created} what="token" testId="new-token" focus />
        </div>
      )}
      {error && <ErrorBox message={error} />}
      {tokens.value && tokens.value.length > 0 && (
        <table className="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {tokens.value.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td className="mono" data-label="Starts with">{t.prefix}…</td>
                <td data-label="Expires">{t.expiresAt ? formatTime(t.expiresAt) : 'Never'}</td>
                <td data-label="Last used">{formatTime(t.lastUsedAt)}</td>
                <td className="actions">
                  <button type="button" className="button small danger" onClick={() => setRevoking(t)}>Revoke</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="row wrap end" onSubmit={create} aria-label="Create a token">
        <Field id="token-name" label="Name"><input id="token-name" required value={name} onChange={(e) => setName(e.target.value)} /></Field>
        <Field id="token-days" label="Expires after (days)" hint="Empty: never">
          <input id="token-days" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </Field>
        <button type="submit" className="button">Create token</button>
      </form>
      {revoking && (
        <ConfirmDialog title="Revoke this token?" confirmLabel="Revoke token" onCancel={() => setRevoking(null)}
          onConfirm={async () => {
            await del(`/tokens/${revoking.id}`);
            closeThenFocus(() => setRevoking(null), heading);
            tokens.reload();
          }}>
          <p>
            Scripts and tools that send <strong>{revoking.name}</strong> (it starts with <code>{revoking.prefix}…</code>) are
            refused from now on. This cannot be undone: they need a new token.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function Webhooks() {
  const flows = useLoad((signal) => get<Flow[]>('/flows', signal), []);
  const [made, setMade] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p className="hint">
        An app can refresh a flow by calling its address (POST). Calls within a few seconds share one run. Making a new
        address retires the old one at once.
      </p>
      {error && <ErrorBox message={error} />}
      {flows.value?.length === 0 && <p className="muted">No flows yet.</p>}
      <ul className="plain">
        {flows.value?.map((flow) => (
          <li key={flow.id} className="row wrap">
            <strong>{flow.name}</strong>
            {made[flow.id] && <CopyableSecret value={made[flow.id]} what={`the address of ${flow.name}`} />}
            <button type="button" className="button small"
              onClick={() => post<{ url: string }>(`/flows/${flow.id}/webhook`).then((w) => setMade({ ...made, [flow.id]: w.url }), (e) => setError(messageOf(e)))}>
              New address
            </button>
            <button type="button" className="button small danger"
              onClick={() => del(`/flows/${flow.id}/webhook`).then(() => setMade({ ...made, [flow.id]: '' }), (e) => setError(messageOf(e)))}>
              Turn off
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
