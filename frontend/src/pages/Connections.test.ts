import { describe, expect, it } from 'vitest';
import { connectionStatus } from './Connections';

describe('connection badge', () => {
  const at = '2026-12-01T10:00:00Z';
  it('says how the newest check or read went, a sign-in to renew and a test just run first', () => {
    expect(connectionStatus({ authStatus: 'ok', lastCheck: null }, undefined)).toBe('unchecked');
    expect(connectionStatus({ authStatus: 'ok', lastCheck: { ok: true, message: 'Read 48 row(s)', at } }, undefined)).toBe('ok');
    expect(connectionStatus({ authStatus: 'ok', lastCheck: { ok: false, message: 'HTTP 404', at } }, undefined)).toBe('failing');
    // A Test run on the page is newer than what the list was loaded with.
    expect(connectionStatus({ authStatus: 'ok', lastCheck: { ok: false, message: 'HTTP 404', at } }, { ok: true })).toBe('ok');
    expect(connectionStatus({ authStatus: 'ok', lastCheck: null }, 'checking')).toBe('checking');
    expect(connectionStatus({ authStatus: 'needs_attention', lastCheck: null }, undefined)).toBe('failing');
    expect(connectionStatus({ authStatus: 'needs_reauthorization', lastCheck: { ok: true, message: null, at } }, { ok: true }))
      .toBe('needs_reauthorization');
  });
});
