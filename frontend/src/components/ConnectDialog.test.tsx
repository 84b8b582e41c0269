import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ConnectDialog } from './ConnectDialog';

const sheets = {
  id: 'google-sheets', name: 'Google Sheets', category: 'spreadsheets', authType: 'oauth', streams: ['rows'],
  incrementalStreams: [], oauthSignIn: true, oauthSignInSetUp: false,
  configSchema: { type: 'object', properties: { service_account_key: { type: 'string', title: 'Service account key', writeOnly: true } } },
};
const hubspot = { ...sheets, id: 'hubspot', name: 'HubSpot', category: 'crm', oauthSignInSetUp: true,
  configSchema: { type: 'object', properties: { access_token: { type: 'string', title: 'Private app token', writeOnly: true } } } };

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
    expect(screen.getByText(/a service account's key/)).toBeTruthy();
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
});
