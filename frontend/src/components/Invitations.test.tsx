import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { MyInvitations } from './Invitations';
import { WorkspaceSwitcher } from './WorkspaceSwitcher';
import Settings from '../pages/Settings';

const own = { id: 'w-own', name: 'My team', role: 'owner' };
const sales = { id: 'w-sales', name: 'Sales', role: 'editor' };
const invitation = { id: 'i1', workspaceId: 'w-sales', workspaceName: 'Sales', email: 'ann@example.com', role: 'editor',
  status: 'pending', invitedAt: '2026-11-30T10:00:00Z' };

interface Call { method: string; path: string; body: unknown; headers: Record<string, string> }

/** A fake API: answers by "METHOD /path"; every request is recorded. */
function fakeApi(routes: Record<string, (body: unknown) => unknown>) {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = url.replace('/api/v1', '');
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body, headers: init.headers as Record<string, string> });
    const route = routes[`${method} ${path}`];
    if (!route) return new Response(JSON.stringify({ title: 'not here' }), { status: 404 });
    const answer = route(body);
    return answer === undefined ? new Response(null, { status: 204 }) : new Response(JSON.stringify(answer), { status: 200 });
  }));
  return calls;
}

describe('invitations', () => {
  beforeEach(() => window.localStorage.clear());
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('lets the invitee accept; the workspace then appears in the switcher and can be opened', async () => {
    let accepted = false;
    const calls = fakeApi({
      'GET /invitations': () => (accepted ? [] : [invitation]),
      'POST /invitations/i1/accept': () => {
        accepted = true;
        return { userId: 'u', email: 'ann@example.com', name: null, role: 'editor', joinedAt: '' };
      },
      'GET /workspaces': () => (accepted ? [own, sales] : [own]),
    });
    const user = userEvent.setup();
    render(<MemoryRouter><WorkspaceSwitcher /><MyInvitations /></MemoryRouter>);

    const item = (await screen.findByText(/You are invited to/)).closest('li')!;
    expect(item.textContent).toContain('Sales');
    expect(screen.queryByLabelText('Workspace')).toBeNull();
    await user.click(within(item).getByRole('button', { name: 'Accept' }));

    expect((await screen.findByRole('status')).textContent).toContain('You are now a member of Sales.');
    const switcher = await screen.findByLabelText('Workspace') as HTMLSelectElement;
    expect(Array.from(switcher.options).map((o) => o.textContent)).toEqual(['My team', 'Sales']);
    expect(screen.queryByText(/You are invited to/)).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Open Sales' }));
    await waitFor(() => expect(switcher.value).toBe('w-sales'));
    // From now on the API is asked about that workspace.
    fakeApi({ 'GET /invitations': () => [] });
    render(<MemoryRouter><MyInvitations /></MemoryRouter>);
    await waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalled());
    const [, init] = vi.mocked(fetch).mock.calls[0] as [string, RequestInit];
    expect((init.headers as Record<string, string>)['Rowflow-Workspace']).toBe('w-sales');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/invitations/i1/accept']);
  });

  it('lets the invitee decline after confirming', async () => {
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    let declined = false;
    const calls = fakeApi({
      'GET /invitations': () => (declined ? [] : [invitation]),
      'POST /invitations/i1/decline': () => { declined = true; return undefined; },
    });
    const user = userEvent.setup();
    render(<MemoryRouter><MyInvitations /></MemoryRouter>);
    await user.click(await screen.findByRole('button', { name: 'Decline' }));
    await waitFor(() => expect(screen.queryByText(/You are invited to/)).toBeNull());
    expect(window.confirm).toHaveBeenCalled();
    expect(calls.some((c) => c.method === 'POST' && c.path === '/invitations/i1/decline')).toBe(true);
  });

  it('tells an admin the invitation is pending, lists it, and withdraws it after confirming', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    let pending: typeof invitation[] = [];
    const calls = fakeApi({
      'GET /workspaces': () => [own],
      'GET /invitations': () => [],
      'GET /workspaces/w-own/members': () => [{ userId: 'me', email: 'me@example.com', name: 'Me', role: 'owner', joinedAt: '' }],
      'GET /workspaces/w-own/invitations': () => pending,
      'POST /workspaces/w-own/members': (body) => {
        pending = [{ ...invitation, workspaceId: 'w-own', workspaceName: 'My team', email: (body as { email: string }).email }];
        return pending[0];
      },
      'DELETE /workspaces/w-own/invitations/i1': () => { pending = []; return undefined; },
      'GET /notifications': () => [],
      'GET /tokens': () => [],
      'GET /flows': () => [],
    });
    const user = userEvent.setup();
    render(<MemoryRouter><Settings user={{ id: 'me', email: 'me@example.com', name: 'Me' }} /></MemoryRouter>);

    await user.type(await screen.findByLabelText('Email'), 'ann@example.com');
    await user.click(screen.getByRole('button', { name: 'Invite member' }));
    expect((await screen.findByText(/Invitation sent to ann@example.com/)).textContent)
      .toContain('They become a member of My team when they accept it');
    const table = await screen.findByRole('table', { name: 'Invited, not yet accepted' });
    expect(within(table).getByText('ann@example.com')).toBeTruthy();

    await user.click(within(table).getByRole('button', { name: 'Withdraw the invitation to ann@example.com' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Withdraw the invitation to ann@example.com?'));
    await waitFor(() => expect(screen.queryByRole('table', { name: 'Invited, not yet accepted' })).toBeNull());
    expect(calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`))
      .toEqual(['POST /workspaces/w-own/members', 'DELETE /workspaces/w-own/invitations/i1']);
  });
});
