import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import FlowBuilder from './FlowBuilder';

const csvConnector = {
  id: 'csv-url', name: 'CSV from URL', category: 'files', authType: 'none', streams: [], incrementalStreams: [], oauthSignIn: false, oauthSignInSetUp: false,
  configSchema: { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri', title: 'File address' } } },
};
const existing = { id: 'c-old', name: 'Old sheet', connectorId: 'csv-url', config: {}, secretFields: [], shared: true,
  createdBy: 'u', createdAt: '', updatedAt: '', authStatus: null };

interface Call { method: string; path: string; body: unknown }

/** A fake API: answers by "METHOD /path"; every request is recorded. */
function fakeApi(routes: Record<string, (body: unknown) => unknown>) {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = url.replace('/api/v1', '');
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, path, body });
    const route = routes[`${method} ${path}`];
    if (!route) return new Response(JSON.stringify({ title: 'not here' }), { status: 404 });
    return new Response(JSON.stringify(route(body)), { status: method === 'POST' ? 201 : 200 });
  }));
  return calls;
}

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/flows/new" element={<FlowBuilder />} />
        <Route path="/flows/:id/edit" element={<FlowBuilder />} />
        <Route path="/flows/:id" element={<p>Flow page</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

describe('FlowBuilder', () => {
  beforeEach(() => window.localStorage.clear());
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('creates a connection in its dialog without submitting the flow, and selects it in the source', async () => {
    const calls = fakeApi({
      'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector],
      'GET /destinations': () => [],
      'GET /connections': () => [existing],
      'POST /connections': (body) => ({ ...existing, ...(body as object), id: 'c-new' }),
    });
    const builderSubmits = vi.fn();
    const user = userEvent.setup();
    renderAt('/flows/new');
    const form = (await screen.findByLabelText('Flow name')).closest('form')!;
    form.addEventListener('submit', builderSubmits);

    await user.type(screen.getByLabelText('Flow name'), 'Deals report');
    const opener = screen.getByRole('button', { name: 'New connection' });
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'Add a connection' });
    // Rendered on the body, not inside the builder's form: a form in a form is invalid HTML.
    expect(form.contains(dialog)).toBe(false);
    await user.click(await screen.findByRole('button', { name: /CSV from URL/ }));
    await user.type(screen.getByLabelText('File address *'), 'https://files.example/deals.csv');
    await user.click(screen.getByRole('button', { name: 'Save connection' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(builderSubmits).not.toHaveBeenCalled();
    expect(calls.filter((c) => c.method !== 'GET')).toEqual([{
      method: 'POST', path: '/connections',
      body: { name: 'CSV from URL', connectorId: 'csv-url', config: { url: 'https://files.example/deals.csv' } },
    }]);
    expect((screen.getByLabelText('Flow name') as HTMLInputElement).value).toBe('Deals report');
    const connection = screen.getByLabelText('Connection') as HTMLSelectElement;
    expect(connection.value).toBe('c-new');
    expect(connection.selectedOptions[0].textContent).toBe('CSV from URL');
    // Focus returns to the button that opened the dialog.
    expect(document.activeElement).toBe(opener);
  });

  it('shows a saved flow\'s steps at once, without reading the source, and saves them back unchanged', async () => {
    const steps = [
      { type: 'rename', columns: { dealname: 'Deal' } },
      { type: 'select', columns: ['amount', 'Deal'] },
      { type: 'filter', where: { column: 'amount', op: 'gt', value: 500 } },
      { type: 'calculate', column: 'gross', expression: 'ROUND([amount] * 1.19, 2)' },
    ];
    const flow = { id: 'f1', name: 'Deals report', sources: [{ connectionId: 'c-old' }], transform: { steps },
      destinations: [{ type: 'excel', settings: {} }], schedule: null, runAfter: [], timeout: null, onlyIfChanged: false,
      retries: null, createdAt: '', updatedAt: '' };
    const calls = fakeApi({
      'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector],
      'GET /destinations': () => [],
      'GET /connections': () => [existing],
      'GET /flows/f1': () => flow,
      'PUT /flows/f1': (body) => ({ ...flow, ...(body as object) }),
    });
    const user = userEvent.setup();
    renderAt('/flows/f1/edit');

    expect(((await screen.findByLabelText('Name of column dealname')) as HTMLInputElement).value).toBe('Deal');
    expect(screen.getAllByRole('row').map((r) => r.querySelector('input')?.getAttribute('aria-label')).filter(Boolean))
      .toEqual(['Name of column amount', 'Name of column dealname']);
    expect((screen.getByLabelText('Filter 1 column') as HTMLSelectElement).value).toBe('amount');
    expect((screen.getByLabelText('Filter 1 test') as HTMLSelectElement).value).toBe('gt');
    expect((screen.getByLabelText('Filter 1 value') as HTMLInputElement).value).toBe('500');
    expect((screen.getByLabelText('Calculated column 1 formula') as HTMLInputElement).value).toBe('ROUND([amount] * 1.19, 2)');
    expect(screen.queryByRole('button', { name: 'Load columns' })).toBeNull();
    expect(calls.some((c) => c.path.startsWith('/flows/preview'))).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Flow page');
    const put = calls.find((c) => c.method === 'PUT')!;
    expect((put.body as { transform: { steps: unknown[] } }).transform.steps).toEqual(steps);
  });

  it('keeps the saved select when a filter value changes before any preview', async () => {
    const steps = [
      { type: 'select', columns: ['amount', 'dealname'] },
      { type: 'filter', where: { column: 'amount', op: 'gt', value: 500 } },
    ];
    const flow = { id: 'f1', name: 'Deals', sources: [{ connectionId: 'c-old' }], transform: { steps },
      destinations: [], schedule: null, createdAt: '', updatedAt: '' };
    const calls = fakeApi({
      'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector], 'GET /destinations': () => [], 'GET /connections': () => [existing],
      'GET /flows/f1': () => flow, 'PUT /flows/f1': () => flow,
    });
    const user = userEvent.setup();
    renderAt('/flows/f1/edit');
    const value = await screen.findByLabelText('Filter 1 value');
    await user.clear(value);
    await user.type(value, '9223372036854775807');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Flow page');
    const put = calls.find((c) => c.method === 'PUT')!;
    expect((put.body as { transform: { steps: unknown[] } }).transform.steps).toEqual([
      { type: 'select', columns: ['amount', 'dealname'] },
      // Too large for a JS number: sent as the text typed, which the server reads exactly.
      { type: 'filter', where: { column: 'amount', op: 'gt', value: '9223372036854775807' } },
    ]);
  });

  it('draws a saved flow on the columns last previewed, and previews the result when asked', async () => {
    const steps = [{ type: 'filter', where: { column: 'amount', op: 'gt', value: 500 } }];
    const flow = { id: 'f1', name: 'Deals', sources: [{ connectionId: 'c-old' }], transform: { steps },
      destinations: [], schedule: null, createdAt: '', updatedAt: '' };
    const columns = [{ name: 'dealname', type: 'text' }, { name: 'amount', type: 'decimal' }];
    const preview = (rows: unknown[][]) => ({ columns, rows, rowCount: rows.length, truncated: false, totalRows: rows.length,
      step: null, steps: [], sourceRowsCapped: false });
    window.localStorage.setItem('rowflow.columns.f1', JSON.stringify({
      key: JSON.stringify([[['c-old', null, null]], null]), columns }));
    const calls = fakeApi({
      'GET /connectors': () => [csvConnector], 'GET /connection-types': () => [csvConnector], 'GET /destinations': () => [], 'GET /connections': () => [existing],
      'GET /flows/f1': () => flow,
      'POST /flows/preview?step=sources%5B0%5D': () => preview([['A', '527.50'], ['B', '35']]),
      'POST /flows/preview': () => preview([['A', '527.50']]),
    });
    const user = userEvent.setup();
    renderAt('/flows/f1/edit');
    // Every column of the source is listed at once, not only the one the filter names.
    expect(await screen.findByLabelText('Name of column dealname')).toBeTruthy();
    expect((screen.getByLabelText('Filter 1 value') as HTMLInputElement).value).toBe('500');
    expect(calls.some((c) => c.path.startsWith('/flows/preview'))).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Preview the result' }));
    expect(await screen.findByText('Result', { exact: false })).toBeTruthy();
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/flows/preview')).toBe(true), { timeout: 3000 });
  });
});
