import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { Connection, ConnectorDescriptor, Picker } from '../api';
import { SourcePickers, flowPickers, flowSettings } from './SourcePickers';

const endpoint = (setting: string) => `/api/v1/connectors/airtable/pickers/${setting}`;
const pickers: Picker[] = [
  { setting: 'base_id', title: 'Base', dependsOn: [], creatable: false, endpoint: endpoint('base_id') },
  { setting: 'table', title: 'Table', dependsOn: ['base_id'], creatable: false, endpoint: endpoint('table') },
  { setting: 'view', title: 'View', dependsOn: ['base_id', 'table'], creatable: false, endpoint: endpoint('view') },
];
const airtable = {
  id: 'airtable', name: 'Airtable', category: 'database', authType: 'bearer', streams: ['records'], incrementalStreams: [],
  oauthSignIn: true, oauthSignInSetUp: false, pickers,
  configSchema: { type: 'object', 'x-flow-parameters': ['base_id', 'table', 'view'], properties: {} },
} as unknown as ConnectorDescriptor;
const connection = { id: 'c1', name: 'Studio', connectorId: 'airtable', shared: true, secretFields: ['access_token'],
  config: { base_id: 'appA1bC2dE3fG4hI5', table: 'tblq9WYhSd1YEeGCn' } } as unknown as Connection;

function Harness() {
  const [parameters, setParameters] = useState<Record<string, unknown>>({});
  return (
    <>
      <SourcePickers index={0} connection={connection} pickers={pickers} parameters={parameters} onChange={setParameters} />
      <output data-testid="parameters">{JSON.stringify(parameters)}</output>
    </>
  );
}

describe("a flow's own source pickers", () => {
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

  it('offers the pickers of the settings a flow may set, read with the connection settings it does not set', () => {
    expect(flowPickers(airtable).map((p) => p.setting)).toEqual(['base_id', 'table', 'view']);
    const onlyBase = { ...airtable, configSchema: { type: 'object', 'x-flow-parameters': ['base_id'] } } as unknown as ConnectorDescriptor;
    expect(flowPickers(onlyBase).map((p) => p.setting)).toEqual(['base_id']);
    expect(flowPickers(undefined)).toEqual([]);
    const own = { base_id: 'appA1bC2dE3fG4hI5', table: 'tblq9WYhSd1YEeGCn', view: 'viwAll0Projects01' };
    expect(flowSettings(own, {}, pickers)).toEqual(own);
    // Another base: the connection's table and view belong to the old one.
    expect(flowSettings(own, { base_id: 'appZ9yX8wV7uT6sR5' }, pickers)).toEqual({ base_id: 'appZ9yX8wV7uT6sR5' });
    expect(flowSettings(own, { table: 'Clients' }, pickers)).toEqual({ base_id: 'appA1bC2dE3fG4hI5', table: 'Clients' });
  });

  it("lists the connection's base's tables until the flow picks another base, then that base's", async () => {
    const fetch = vi.fn(async (url: string) => new Response(JSON.stringify(url.includes('/table?')
      ? [{ value: 'tblC4nD5dA6tE7sX8', label: 'Candidates' }] : []), { status: 200 }));
    vi.stubGlobal('fetch', fetch);
    const user = userEvent.setup();
    render(<Harness />);
    expect(screen.getByText("Left empty: the connection's (appA1bC2dE3fG4hI5)")).toBeTruthy();
    await waitFor(() => expect(fetch.mock.calls.map(([u]) => u)).toContain(
      '/api/v1/connectors/airtable/pickers/table?connectionId=c1&base_id=appA1bC2dE3fG4hI5'));
    await user.type(screen.getByLabelText('Base'), 'appZ9yX8wV7uT6sR5');
    expect(screen.getByTestId('parameters').textContent).toBe('{"base_id":"appZ9yX8wV7uT6sR5"}');
    await waitFor(() => expect(fetch.mock.calls.map(([u]) => u)).toContain(
      '/api/v1/connectors/airtable/pickers/table?connectionId=c1&base_id=appZ9yX8wV7uT6sR5'));
    // The view waits for a table of the new base rather than asking with the connection's.
    expect(fetch.mock.calls.map(([u]) => u).filter((u) => u.includes('/view?'))).toEqual([
      '/api/v1/connectors/airtable/pickers/view?connectionId=c1&base_id=appA1bC2dE3fG4hI5&table=tblq9WYhSd1YEeGCn']);
    await user.type(screen.getByLabelText('Table'), 'tblC4nD5dA6tE7sX8');
    expect(screen.getByTestId('parameters').textContent)
      .toBe('{"base_id":"appZ9yX8wV7uT6sR5","table":"tblC4nD5dA6tE7sX8"}');
  });
});
