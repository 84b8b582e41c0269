import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { JsonSchema } from '../api';
import { SchemaForm, splitFields } from './SchemaForm';

const csv: JsonSchema = {
  type: 'object', required: ['url'],
  properties: {
    url: { type: 'string', format: 'uri', title: 'URL', description: 'An http or https address that answers with CSV text.' },
    delimiter: { type: 'string', default: ',', title: 'Delimiter' },
    headers: { type: 'object', writeOnly: true, title: 'Request headers' },
  },
};

function Harness({ schema, initial = {}, errorFor, storedSecrets }: {
  schema: JsonSchema; initial?: Record<string, unknown>; errorFor?: (path: string) => string | undefined; storedSecrets?: string[];
}) {
  const [value, setValue] = useState(initial);
  return <SchemaForm schema={schema} value={value} onChange={setValue} idPrefix="config" errorFor={errorFor} storedSecrets={storedSecrets} />;
}

const fold = () => screen.getByText('Advanced settings').closest('details')!;

describe('Schema form', () => {
  afterEach(cleanup);

  it('labels a field by its title, else by its key in words, and ties the description to it', () => {
    render(<Harness schema={{ type: 'object', properties: {
      clientSecret: { type: 'string', writeOnly: true }, api_key: { type: 'string' },
      baseUrl: { type: 'string', title: 'Site address', description: 'Where the API answers' } } }} />);
    expect(screen.getByLabelText('Client secret')).toBeTruthy();
    expect(screen.getByLabelText('API key')).toBeTruthy();
    expect(screen.queryByText('clientSecret')).toBeNull();
    const site = screen.getByLabelText('Site address');
    expect(site.getAttribute('aria-describedby')).toBe('config-baseUrl-hint');
    expect(document.getElementById('config-baseUrl-hint')!.textContent).toBe('Where the API answers');
  });

  it('shows the required fields first and folds the optional ones away, closed', () => {
    render(<Harness schema={csv} />);
    const labels = Array.from(document.querySelectorAll('label')).map((l) => l.textContent);
    expect(labels[0]).toBe('URL *');
    expect(screen.getByLabelText('URL *').getAttribute('aria-required')).toBe('true');
    expect(fold().open).toBe(false);
    expect(fold().contains(screen.getByLabelText('Delimiter'))).toBe(true);
    expect(fold().contains(screen.getByLabelText('URL *'))).toBe(false);
  });

  it('opens the fold by itself when an optional field holds a value, a stored secret or an error', async () => {
    render(<Harness schema={csv} initial={{ url: 'https://x.example/a.csv', delimiter: ';' }} />);
    expect(fold().open).toBe(true);
    cleanup();
    render(<Harness schema={csv} storedSecrets={['headers']} />);
    expect(fold().open).toBe(true);
    cleanup();
    const { rerender } = render(<SchemaForm schema={csv} value={{}} onChange={vi.fn()} idPrefix="config" />);
    expect(fold().open).toBe(false);
    rerender(<SchemaForm schema={csv} value={{}} onChange={vi.fn()} idPrefix="config"
      errorFor={(path) => (path === 'delimiter' ? 'One character' : undefined)} />);
    expect(fold().open).toBe(true);
    expect(screen.getByLabelText('Delimiter').getAttribute('aria-invalid')).toBe('true');
  });

  it('keeps the fold as the person left it while they type', async () => {
    const user = userEvent.setup();
    render(<Harness schema={csv} />);
    await user.click(screen.getByText('Advanced settings'));
    expect(fold().open).toBe(true);
    await user.type(screen.getByLabelText('Delimiter'), ';');
    await user.clear(screen.getByLabelText('Delimiter'));
    expect(fold().open).toBe(true);
  });

  it('decides what comes first from required, anyOf alternatives and x-advanced', () => {
    // Jira: a site, an email and a token, or a sign-in; the JQL filter is optional.
    expect(splitFields({ anyOf: [{ required: ['site', 'api_token'] }, { required: ['access_token'] }], properties: {
      jql: { type: 'string' }, site: { type: 'string' }, api_token: { type: 'string' },
      access_token: { type: 'string', title: 'Access token (set by "Connect Jira")' } } }))
      .toEqual({ main: ['site', 'api_token'], advanced: ['jql'] });
    // Nothing required (an Excel destination): every field shown, no fold.
    expect(splitFields({ properties: { sheetName: { type: 'string' }, mode: { type: 'string' } } }))
      .toEqual({ main: ['sheetName', 'mode'], advanced: [] });
    // Marked by the schema: kept up front, or folded although nothing is required.
    expect(splitFields({ required: ['url'], properties: { url: {}, name: { 'x-advanced': false }, retries: {} } }))
      .toEqual({ main: ['url', 'name'], advanced: ['retries'] });
    expect(splitFields({ properties: { sheetName: {}, bom: { 'x-advanced': true } } }))
      .toEqual({ main: ['sheetName'], advanced: ['bom'] });
    // Replaced by a newer field (a database's old "Require TLS" by its SSL mode): not shown at all.
    expect(splitFields({ required: ['host'], properties: { host: {}, tls: { type: 'boolean', deprecated: true },
      sslMode: { enum: ['disable', 'require'] } } })).toEqual({ main: ['host'], advanced: ['sslMode'] });
  });

  it('shows no fold when every field is needed, and none inside a nested group', () => {
    render(<Harness schema={{ type: 'object', required: ['pagination'], properties: {
      pagination: { type: 'object', title: 'Pagination', required: ['type'],
        properties: { type: { type: 'string', enum: ['none', 'cursor'] }, cursorPath: { type: 'string' } } } } }} />);
    expect(screen.queryByText('Advanced settings')).toBeNull();
    expect(screen.getByLabelText('Cursor path')).toBeTruthy();
  });
});

describe('Schema form in a dialog', () => {
  afterEach(cleanup);

  it('keeps Tab inside the dialog past a closed fold, whose fields cannot take the focus', async () => {
    const { Dialog } = await import('./ui');
    const user = userEvent.setup();
    render(
      <Dialog title="Edit" onClose={() => {}}>
        <Harness schema={{ type: 'object', required: ['url'], properties: { url: { type: 'string', title: 'URL' }, delimiter: { type: 'string' } } }} />
      </Dialog>,
    );
    const url = screen.getByLabelText('URL *');
    expect(document.activeElement).toBe(url);
    await user.tab();
    expect(document.activeElement).toBe(screen.getByText('Advanced settings'));
    // The summary is the dialog's last stop while the fold is closed: Tab goes round to the close button.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
  });
});
