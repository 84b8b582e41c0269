import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConnectDialog, groupApps } from './ConnectDialog';

const sheets = {
  id: 'google-sheets', name: 'Google Sheets', category: 'spreadsheets', authType: 'oauth', streams: ['rows'],
  incrementalStreams: [], oauthSignIn: true, oauthSignInSetUp: false,
  configSchema: { type: 'object', properties: { service_account_key: { type: 'string', title: 'Service account key', writeOnly: true } } },
};
const hubspot = { ...sheets, id: 'hubspot', name: 'HubSpot', category: 'crm', oauthSignInSetUp: true,
  configSchema: { type: 'object', properties: { access_token: { type: 'string', title: 'Private app token', writeOnly: true } } } };

const jira = { ...hubspot, id: 'jira', name: 'Jira Cloud', category: 'project-management', brandColor: '#0052CC', monogram: 'J' };
const csv = { ...hubspot, id: 'csv-url', name: 'CSV from URL', category: 'files', oauthSignIn: false, brandColor: '#56606E', monogram: 'CSV' };
const json = { ...csv, id: 'json-url', name: 'JSON from URL', monogram: '{}' };
const catalog = [csv, json, sheets, jira, { ...hubspot, brandColor: '#FF7A59' }];

describe('Connect dialog', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('says who sets up a sign-in that is not configured and offers the key at once', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify([sheets, hubspot]), { status: 200 })));
    const user = userEvent.setup();
    render(<ConnectDialog onClose={() => {}} onConnected={() => {}} />);
    await user.click(await screen.findByRole('button', { name: /Google Sheets/ }));
    expect(screen.getByTestId('sign-in-not-set-up').textContent)
      .toContain('rowflow.oauth.provider.google-sheets.client-id');
    expect(screen.getByTestId('sign-in-not-set-up').textContent).toContain('connect with its Service account key below');
    expect(screen.queryByRole('button', { name: 'Sign in with Google Sheets' })).toBeNull();
    expect(screen.getByLabelText(/Service account key/)).toBeTruthy();
  });

  it('offers the sign-in first where it is set up', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify([sheets, hubspot]), { status: 200 })));
    const user = userEvent.setup();
    render(<ConnectDialog onClose={() => {}} onConnected={() => {}} />);
    await user.click(await screen.findByRole('button', { name: /HubSpot/ }));
    expect(screen.getByRole('button', { name: 'Sign in with HubSpot' })).toBeTruthy();
    expect(screen.queryByTestId('sign-in-not-set-up')).toBeNull();
    expect(screen.queryByLabelText(/Private app token/)).toBeNull();
  });

  it('asks for the settings a sign-in address is made from before it opens the provider\'s page', async () => {
    const shopify = { ...hubspot, id: 'shopify', name: 'Shopify', category: 'ecommerce', settingsBeforeSignIn: ['shop'],
      configSchema: { type: 'object', properties: { shop: { type: 'string', title: 'Shop' },
        access_token: { type: 'string', writeOnly: true, 'x-set-by-sign-in': true } } } };
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify([shopify]), { status: 200 })));
    const opened: string[] = [];
    vi.stubGlobal('open', vi.fn((url: string) => { opened.push(url); return null; }));
    const user = userEvent.setup();
    render(<ConnectDialog onClose={() => {}} onConnected={() => {}} />);
    await user.click(await screen.findByRole('button', { name: /Shopify/ }));
    await user.click(screen.getByRole('button', { name: 'Sign in with Shopify' }));
    expect(screen.getByRole('alert').textContent).toContain('Enter Shop first');
    expect(opened).toEqual([]);
    await user.type(screen.getByLabelText(/^Shop/), ' acme ');
    await user.click(screen.getByRole('button', { name: 'Sign in with Shopify' }));
    expect(opened).toHaveLength(1);
    const query = new URL(opened[0], 'http://localhost').searchParams;
    expect(opened[0]).toMatch(/^\/api\/v1\/oauth\/shopify\/authorize\?/);
    expect(query.get('shop')).toBe('acme');
    expect(query.get('name')).toBe('Shopify');
  });

  it('lists the apps by category under human headings, each with a decorative mark beside its name', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(catalog), { status: 200 })));
    render(<ConnectDialog onClose={() => {}} onConnected={() => {}} />);
    await screen.findByRole('button', { name: 'HubSpot' });
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent))
      .toEqual(['CRM', 'Project management', 'Spreadsheets', 'Files and URLs']);
    const files = screen.getByRole('region', { name: 'Files and URLs' });
    expect(within(files).getAllByRole('button').map((b) => b.textContent)).toEqual(['CSVCSV from URL', '{}JSON from URL']);
    // The mark is hidden from screen readers: the button is named by the app's name alone.
    expect(within(files).getAllByRole('button').map((b) => b.querySelector('svg')!.getAttribute('aria-hidden'))).toEqual(['true', 'true']);
    expect(screen.getByRole('button', { name: 'Jira Cloud' }).querySelector('rect')!.getAttribute('fill')).toBe('#0052CC');
    expect(screen.queryByText('crm')).toBeNull();
    expect(screen.queryByText('project-management')).toBeNull();
  });

  it('finds an app by name as one types, says how many match, and Enter picks the only one', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(catalog), { status: 200 })));
    const user = userEvent.setup();
    render(<ConnectDialog onClose={() => {}} onConnected={() => {}} />);
    const search = await screen.findByLabelText('Search apps');
    // The focus moves in an effect after the list renders: waited for, not assumed at the first sight of the field.
    await waitFor(() => expect(document.activeElement).toBe(search));
    await user.type(search, 'url');
    expect(screen.getAllByRole('button', { name: /from URL/ })).toHaveLength(2);
    expect(screen.queryByRole('button', { name: 'HubSpot' })).toBeNull();
    expect(screen.getByText('2 apps match')).toBeTruthy();
    await user.clear(search);
    await user.type(search, 'zzz');
    expect(screen.getByText(/No app matches/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Show all apps' }));
    expect(screen.getAllByRole('listitem')).toHaveLength(5);
    await user.type(search, 'jira{Enter}');
    expect(screen.getByRole('dialog', { name: 'Connect Jira Cloud' })).toBeTruthy();
  });

  it('offers one app without a search field or headings', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(catalog), { status: 200 })));
    render(<ConnectDialog only={['google-sheets']} onClose={() => {}} onConnected={() => {}} />);
    await screen.findByRole('button', { name: 'Google Sheets' });
    expect(screen.queryByLabelText('Search apps')).toBeNull();
    expect(screen.queryByRole('heading', { level: 3 })).toBeNull();
  });

  it('groups by category in the picker order, unknown categories before Other, names sorted inside', () => {
    const groups = groupApps([
      { ...csv, id: 'b', name: 'Zeta', category: 'other' },
      { ...csv, id: 'c', name: 'Mailer', category: 'marketing' },
      { ...csv, id: 'd', name: 'Shop', category: 'e-commerce' },
      { ...csv, id: 'e', name: 'Beta', category: 'files' },
      { ...csv, id: 'f', name: 'Alpha', category: 'files' },
    ], '');
    expect(groups.map((g) => g.label)).toEqual(['E-commerce', 'Files and URLs', 'Marketing', 'Other']);
    expect(groups[1].apps.map((a) => a.name)).toEqual(['Alpha', 'Beta']);
    expect(groupApps(catalog, 'files').map((g) => g.label)).toEqual(['Files and URLs']);
    expect(groupApps(catalog, '  HUB ').flatMap((g) => g.apps.map((a) => a.id))).toEqual(['hubspot']);
  });
});
