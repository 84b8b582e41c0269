// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { includes } from './Role';

describe('includes', () => {
  it('ranks the roles as the server does: each may do what the ones before it may', () => {
    expect(includes('viewer', 'viewer')).toBe(true);
    expect(includes('viewer', 'editor')).toBe(false);
    expect(includes('editor', 'editor')).toBe(true);
    expect(includes('editor', 'admin')).toBe(false);
    expect(includes('admin', 'editor')).toBe(true);
    expect(includes('owner', 'admin')).toBe(true);
  });

  it('allows nothing while the role is not known yet', () => {
    expect(includes(undefined, 'viewer')).toBe(false);
  });
});
