import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Link, Outlet, RouterProvider, createMemoryRouter } from 'react-router-dom';
import FlowBuilder from '../pages/FlowBuilder';
import { UnsavedChangesGuard } from './UnsavedChanges';

const csvConnector = {
  id: 'csv-url', name: 'CSV from URL', category: 'files', authType: 'none', streams: [], incrementalStreams: [], oauthSignIn: false, oauthSignInSetUp: false,
  configSchema: { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri', title: 'File address' } } },
};
const connection = { id: 'c1', name: 'Orders file', connectorId: 'csv-url', config: {}, secretFields: [], shared: true,
  createdBy: 'u', createdAt: '', updatedAt: '', authStatus: null };
const flow = { id: 'f1', name: 'Orders', sources: [{ connectionId: 'c1' }], transform: { steps: [] },
  destinations: [{ type: 'excel', settings: { sheetName: 'Orders' } }], schedule: null, createdAt: '', updatedAt: '' };

/** A fake API answering by "METHOD /path"; unknown paths are 404. */
function fakeApi(routes: Record<string, (body: unknown) => unknown>) {
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const route = routes[`${method} ${url.replace('/api/v1', '')}`];
    if (!route) return new Response(JSON.stringify({ title: 'not here' }), { status: 404 });
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    return new Response(JSON.stringify(route(body)), { status: method === 'POST' ? 201 : 200 });
  }));
}

/** The builder inside the app's guard, with a link out as the sidebar has. */
function renderAt(path: string) {
  const router = createMemoryRouter([{
    element: <UnsavedChangesGuard><Link to="/connections">Connections</Link><Outlet /></UnsavedChangesGuard>,
    children: [
      { path: '/flows/new', element: <FlowBuilder /> },
      { path: '/flows/:id/edit', element: <FlowBuilder /> },
      { path: '/flows/:id', element: <p>Flow page</p> },
      { path: '/flows', element: <p>Flow list</p> },
      { path: '/connections', element: <p>Connections page</p> },
    ],
  }], { initialEntries: [path] });
  render(<RouterProvider router={router} />);
  return router;
}

const beforeUnloadCancelled = () => {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
};

// Each test draws the whole builder: generous limits for a machine busy with a Java build.
describe('Unsaved changes', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('lets an untouched builder go without asking', async () => {
    fakeApi({ 'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector], 'GET /destinations': () => [], 'GET /connections': () => [connection],
      'GET /flows/f1': () => flow });
    const user = userEvent.setup();
    const router = renderAt('/flows/f1/edit');
    expect(((await screen.findByLabelText('Flow name')) as HTMLInputElement).value).toBe('Orders');
    expect(beforeUnloadCancelled()).toBe(false);
    await user.click(screen.getByRole('link', { name: 'Cancel' }));
    expect(await screen.findByText('Flow page')).toBeTruthy();
    expect(router.state.location.pathname).toBe('/flows/f1');
  }, 120000);

  it('asks before a typed flow is left, stays when asked to, leaves when told', async () => {
    fakeApi({ 'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector], 'GET /destinations': () => [], 'GET /connections': () => [connection] });
    const user = userEvent.setup();
    const router = renderAt('/flows/new');
    fireEvent.change(await screen.findByLabelText('Flow name'), { target: { value: 'Orders report' } });
    expect(beforeUnloadCancelled()).toBe(true);

    await user.click(screen.getByRole('link', { name: 'Connections' }));
    const question = await screen.findByRole('dialog', { name: 'Leave without saving?' });
    expect(question.textContent).toContain('not saved');
    await user.click(screen.getByRole('button', { name: 'Stay on this page' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(router.state.location.pathname).toBe('/flows/new');
    expect((screen.getByLabelText('Flow name') as HTMLInputElement).value).toBe('Orders report');

    // Back: the same question.
    await user.click(screen.getByRole('link', { name: 'Cancel' }));
    await screen.findByRole('dialog', { name: 'Leave without saving?' });
    await user.click(screen.getByRole('button', { name: 'Leave without saving' }));
    expect(await screen.findByText('Flow list')).toBeTruthy();
    expect(beforeUnloadCancelled()).toBe(false);
  }, 120000);

  it('does not ask once the flow is saved', async () => {
    fakeApi({ 'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector], 'GET /destinations': () => [], 'GET /connections': () => [connection],
      'POST /flows': (body) => ({ ...flow, ...(body as object), id: 'f2' }) });
    const user = userEvent.setup();
    renderAt('/flows/new');
    fireEvent.change(await screen.findByLabelText('Flow name'), { target: { value: 'Orders report' } });
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Flow page')).toBeTruthy();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(beforeUnloadCancelled()).toBe(false);
  }, 120000);

  it('asks before the connection dialog drops typed settings, and counts them while it is open', async () => {
    fakeApi({ 'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector], 'GET /destinations': () => [], 'GET /connections': () => [connection],
      'GET /flows/f1': () => flow });
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    const user = userEvent.setup();
    renderAt('/flows/f1/edit');
    await user.click(await screen.findByRole('button', { name: 'New connection' }));
    await user.click(await screen.findByRole('button', { name: /CSV from URL/ }));
    // Chosen, nothing typed yet: closing asks nothing.
    expect(beforeUnloadCancelled()).toBe(false);
    fireEvent.change(screen.getByLabelText('File address *'), { target: { value: 'https://files.example/orders.csv' } });
    expect(beforeUnloadCancelled()).toBe(true);

    await user.keyboard('{Escape}');
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('dialog', { name: 'Connect CSV from URL' })).toBeTruthy();
    confirm.mockReturnValue(true);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(beforeUnloadCancelled()).toBe(false);
  }, 120000);
});
