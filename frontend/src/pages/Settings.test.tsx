import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import Settings from './Settings';

const owner = { id: 'w', name: 'Acme', role: 'owner' };
const channel = { id: 'c1', name: '#data-alerts', host: 'hooks.slack.com', events: 'failures', createdAt: '2026-03-01T10:00:00Z' };
const token = { id: 't1', name: 'BI tool', prefix: 'rf_ab12', createdAt: '2026-03-01T10:00:00Z', expiresAt: null, lastUsedAt: null };

/** A fake API: answers by "METHOD /path"; every request is recorded as "METHOD /path". */
function fakeApi(routes: Record<string, () => unknown>) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const call = `${init.method ?? 'GET'} ${url.replace('/api/v1', '')}`;
    calls.push(call);
    const route = routes[call];
    if (!route) return new Response(JSON.stringify(call.startsWith('GET') ? [] : { title: 'not here' }), { status: call.startsWith('GET') ? 200 : 404 });
    const answer = route();
    if (answer instanceof Response) return answer;
    return answer === undefined ? new Response(null, { status: 204 }) : new Response(JSON.stringify(answer), { status: 200 });
  }));
  return calls;
}

const user = { id: 'u', email: 'ann@example.com', name: 'Ann' };
const renderSettings = () => render(<MemoryRouter><Settings user={user} /></MemoryRouter>);

describe('Settings', () => {
  beforeEach(() => window.localStorage.clear());
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('shows a new token once with a Copy button that says it copied', async () => {
    fakeApi({ 'GET /workspaces': () => [owner], 'POST /tokens': () => ({ token: 'rf_ab12_secret' }) });
    const clicks = userEvent.setup();
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderSettings();
    await clicks.type(await screen.findByLabelText('Name', { selector: '#token-name' }), 'CI');
    await clicks.click(screen.getByRole('button', { name: 'Create token' }));
    const copy = await screen.findByRole('button', { name: 'Copy token' });
    expect(screen.getByTestId('new-token').textContent).toBe('rf_ab12_secret');
    await waitFor(() => expect(document.activeElement).toBe(copy));
    await clicks.click(copy);
    expect(writeText).toHaveBeenCalledWith('rf_ab12_secret');
    expect(copy.parentElement!.querySelector('[role="status"]')!.textContent).toBe('Copied');
  });

  it('selects the token to copy by hand where the clipboard is refused', async () => {
    fakeApi({ 'GET /workspaces': () => [owner], 'POST /tokens': () => ({ token: 'rf_ab12_secret' }) });
    const clicks = userEvent.setup();
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: vi.fn(async () => { throw new Error('denied'); }) }, configurable: true });
    renderSettings();
    await clicks.type(await screen.findByLabelText('Name', { selector: '#token-name' }), 'CI');
    await clicks.click(screen.getByRole('button', { name: 'Create token' }));
    await clicks.click(await screen.findByRole('button', { name: 'Copy token' }));
    expect(window.getSelection()!.toString()).toBe('rf_ab12_secret');
    expect(screen.getByText(/press Ctrl\+C/)).toBeTruthy();
  });

  it('asks before revoking a token, and Cancel keeps it', async () => {
    let revoked = false;
    const calls = fakeApi({ 'GET /workspaces': () => [owner], 'GET /tokens': () => (revoked ? [] : [token]),
      'DELETE /tokens/t1': () => { revoked = true; return undefined; } });
    const clicks = userEvent.setup();
    renderSettings();
    const revoke = await screen.findByRole('button', { name: 'Revoke' });
    await clicks.click(revoke);
    const dialog = screen.getByRole('dialog', { name: 'Revoke this token?' });
    expect(dialog.textContent).toContain('BI tool');
    // The safe choice has the focus.
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await clicks.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(calls).not.toContain('DELETE /tokens/t1');
    expect(document.activeElement).toBe(revoke);

    await clicks.click(revoke);
    await clicks.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls).toContain('DELETE /tokens/t1');
    await waitFor(() => expect(screen.queryByText('BI tool')).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'API tokens' })));
  });

  it('asks before deleting a notification and says why it could not', async () => {
    let refuse = true;
    const calls = fakeApi({ 'GET /workspaces': () => [owner], 'GET /notifications': () => [channel],
      'DELETE /notifications/c1': () => (refuse
        ? new Response(JSON.stringify({ title: 'Not found', detail: 'The notification is already gone.' }), { status: 404 })
        : undefined) });
    const clicks = userEvent.setup();
    renderSettings();
    await clicks.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete this notification?' });
    expect(dialog.textContent).toContain('#data-alerts');
    await clicks.click(within(dialog).getByRole('button', { name: 'Delete notification' }));
    expect(await within(dialog).findByText('The notification is already gone.')).toBeTruthy();
    refuse = false;
    await clicks.click(within(dialog).getByRole('button', { name: 'Delete notification' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.filter((c) => c === 'DELETE /notifications/c1')).toHaveLength(2);
  });
});
