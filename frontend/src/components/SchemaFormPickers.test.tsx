import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { JsonSchema, Picker } from '../api';
import { SchemaForm } from './SchemaForm';

// Airtable's settings and pickers as the catalog gives them (connectors/airtable/manifest.yaml).
const airtable: JsonSchema = {
  type: 'object', required: ['access_token'],
  properties: {
    access_token: { type: 'string', writeOnly: true, title: 'Personal access token' },
    base_id: { type: 'string', title: 'Base ID', description: 'Pick it, or type the app… part of its address.' },
    table: { type: 'string', title: 'Table' },
    view: { type: 'string', title: 'View (optional)', default: '' },
  },
};
const endpoint = (setting: string) => `/api/v1/connectors/airtable/pickers/${setting}`;
const pickers: Picker[] = [
  { setting: 'base_id', title: 'Base', dependsOn: [], creatable: false, endpoint: endpoint('base_id') },
  { setting: 'table', title: 'Table', dependsOn: ['base_id'], creatable: false, endpoint: endpoint('table') },
  { setting: 'view', title: 'View', dependsOn: ['base_id', 'table'], creatable: false, endpoint: endpoint('view') },
];

/** The server as the pickers' endpoint answers it: bases, and the tables of each base. */
const answers: Record<string, unknown> = {
  '/api/v1/connectors/airtable/pickers/base_id?connectionId=c1': [
    { value: 'appA1bC2dE3fG4hI5', label: 'Design studio' }, { value: 'appZ9yX8wV7uT6sR5', label: 'Hiring' }],
  '/api/v1/connectors/airtable/pickers/table?connectionId=c1&base_id=appA1bC2dE3fG4hI5': [
    { value: 'tblq9WYhSd1YEeGCn', label: 'Design projects' }, { value: 'tblR7sT8uV9wX0yZ1', label: 'Clients' }],
  '/api/v1/connectors/airtable/pickers/table?connectionId=c1&base_id=appZ9yX8wV7uT6sR5': [
    { value: 'tblC4nD5dA6tE7sX8', label: 'Candidates' }],
  '/api/v1/connectors/airtable/pickers/view?connectionId=c1&base_id=appA1bC2dE3fG4hI5&table=tblq9WYhSd1YEeGCn': [
    { value: 'viwAll0Projects01', label: 'All projects' }],
};

function Harness({ initial, onValue }: { initial: Record<string, unknown>; onValue?: (v: Record<string, unknown>) => void }) {
  const [value, setValue] = useState(initial);
  return <SchemaForm schema={airtable} value={value} idPrefix="edit-config" pickers={{ connectionId: 'c1', list: pickers }}
    onChange={(v) => { setValue(v); onValue?.(v); }} />;
}

const optionsOf = (id: string) => Array.from(document.querySelectorAll(`#${id}-options option`))
  .map((o) => [o.getAttribute('value'), o.textContent]);

describe('Schema form pickers', () => {
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

  it('lists the bases, then the tables of the base chosen, and lists them again when the base changes', async () => {
    const fetch = vi.fn(async (url: string) => (url in answers
      ? new Response(JSON.stringify(answers[url]), { status: 200 }) : new Response('{}', { status: 404 })));
    vi.stubGlobal('fetch', fetch);
    const user = userEvent.setup();
    let latest: Record<string, unknown> = {};
    render(<Harness initial={{ base_id: 'appA1bC2dE3fG4hI5', table: 'tblq9WYhSd1YEeGCn' }} onValue={(v) => { latest = v; }} />);
    await waitFor(() => expect(optionsOf('edit-config-base_id')).toEqual([
      ['appA1bC2dE3fG4hI5', 'Design studio'], ['appZ9yX8wV7uT6sR5', 'Hiring']]));
    await waitFor(() => expect(optionsOf('edit-config-table')).toEqual([
      ['tblq9WYhSd1YEeGCn', 'Design projects'], ['tblR7sT8uV9wX0yZ1', 'Clients']]));
    await waitFor(() => expect(optionsOf('edit-config-view')).toEqual([['viwAll0Projects01', 'All projects']]));
    // The names chosen are said beside the ids; the setting's own hint stays.
    expect(document.getElementById('edit-config-base_id-hint')!.textContent).toBe('Design studio · 2 to pick from');
    expect(document.getElementById('edit-config-table-hint')!.textContent).toBe('Design projects · 2 to pick from');
    expect(screen.getByText('Pick it, or type the app… part of its address.')).toBeTruthy();

    const base = screen.getByLabelText('Base ID');
    await user.clear(base);
    await user.type(base, 'appZ9yX8wV7uT6sR5');
    // The old base's table is no longer one of this base's: cleared, and the new base's tables listed.
    expect(latest).toEqual({ base_id: 'appZ9yX8wV7uT6sR5' });
    expect((screen.getByLabelText('Table') as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(optionsOf('edit-config-table')).toEqual([['tblC4nD5dA6tE7sX8', 'Candidates']]));
    const asked = fetch.mock.calls.map(([url]) => url);
    expect(asked.filter((u) => u.includes('/table?'))).toEqual([
      '/api/v1/connectors/airtable/pickers/table?connectionId=c1&base_id=appA1bC2dE3fG4hI5',
      '/api/v1/connectors/airtable/pickers/table?connectionId=c1&base_id=appZ9yX8wV7uT6sR5']);
    // The view waits for a table of the new base: asked only for the first one.
    expect(asked.filter((u) => u.includes('/view?'))).toHaveLength(1);
    expect(optionsOf('edit-config-view')).toEqual([]);
    expect(screen.getByLabelText('View (optional)').getAttribute('placeholder')).toBe('Choose what it depends on first');
  });

  it('says why listing failed and still takes an id typed by hand', async () => {
    const sentence = "Airtable refused to list the bases and tables: the personal access token needs the schema.bases:read scope";
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ status: 502, detail: sentence }),
      { status: 502, headers: { 'Content-Type': 'application/problem+json' } })));
    const user = userEvent.setup();
    let latest: Record<string, unknown> = {};
    render(<Harness initial={{}} onValue={(v) => { latest = v; }} />);
    await user.click(screen.getByText('Advanced settings'));
    expect((await screen.findByRole('alert')).textContent).toBe(sentence);
    await user.type(screen.getByLabelText('Base ID'), 'appA1bC2dE3fG4hI5');
    await user.type(screen.getByLabelText('Table'), 'Design projects');
    expect(latest).toEqual({ base_id: 'appA1bC2dE3fG4hI5', table: 'Design projects' });
  });
});
