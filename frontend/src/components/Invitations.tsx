import { useState } from 'react';
import { Invitation, WORKSPACES_CHANGED, chooseWorkspace, get, messageOf, post } from '../api';
import { ErrorBox, useLoad } from './ui';

/**
 * The signed-in person's pending invitations, with Accept and Decline. Accepting makes them a member: the workspace
 * appears in the switcher and they can open it from here. Nothing is shown while there are none.
 */
export function MyInvitations() {
  const invitations = useLoad((signal) => get<Invitation[]>('/invitations', signal), []);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [joined, setJoined] = useState<Invitation | null>(null);

  const answer = async (invitation: Invitation, accept: boolean) => {
    if (!accept && !window.confirm(`Decline the invitation to ${invitation.workspaceName}? An admin there would have to invite you again.`)) return;
    setBusy(invitation.id);
    setError(null);
    try {
      await post(`/invitations/${invitation.id}/${accept ? 'accept' : 'decline'}`);
      if (accept) {
        setJoined(invitation);
        window.dispatchEvent(new Event(WORKSPACES_CHANGED));
      }
      invitations.reload();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(null);
    }
  };

  const pending = invitations.value ?? [];
  if (pending.length === 0 && !joined && !error) return null;
  return (
    <section className="card invitations" aria-labelledby="my-invitations-title">
      <h2 id="my-invitations-title">Invitations</h2>
      {joined && (
        <div className="notice" role="status">
          You are now a member of {joined.workspaceName}.{' '}
          <button type="button" className="link" onClick={() => chooseWorkspace(joined.workspaceId)}>
            Open {joined.workspaceName}
          </button>
        </div>
      )}
      {error && <ErrorBox message={error} onRetry={invitations.reload} />}
      {pending.length > 0 && (
        <ul className="plain">
          {pending.map((invitation) => (
            <li key={invitation.id} className="row wrap">
              <span>
                You are invited to <strong>{invitation.workspaceName}</strong> as {invitation.role.toLowerCase()}.
              </span>
              <button type="button" className="button small primary" disabled={busy !== null}
                onClick={() => answer(invitation, true)}>Accept</button>
              <button type="button" className="button small" disabled={busy !== null}
                onClick={() => answer(invitation, false)}>Decline</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
