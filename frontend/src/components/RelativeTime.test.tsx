import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { RelativeTime } from './ui';

describe('Relative time', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-02T10:00:00Z'));
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('moves on by itself every 30 s, as a <time> with the exact time as its title', () => {
    render(<RelativeTime iso="2026-03-02T09:59:10Z" />);
    const time = screen.getByText('50 seconds ago');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('dateTime')).toBe('2026-03-02T09:59:10Z');
    expect(time.getAttribute('title')).toMatch(/2026/);
    act(() => vi.advanceTimersByTime(30_000));
    expect(screen.getByText('1 minute ago')).toBeTruthy();
    act(() => vi.advanceTimersByTime(90_000));
    expect(screen.getByText('3 minutes ago')).toBeTruthy();
  });

  it('shares one timer between the times on a page, and stops it when they are gone', () => {
    const { unmount } = render(<><RelativeTime iso="2026-03-02T09:58:00Z" /><RelativeTime iso="2026-03-02T10:05:00Z" /></>);
    expect(screen.getByText('2 minutes ago')).toBeTruthy();
    expect(screen.getByText('in 5 minutes')).toBeTruthy();
    expect(vi.getTimerCount()).toBe(1);
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByText('3 minutes ago')).toBeTruthy();
    expect(screen.getByText('in 4 minutes')).toBeTruthy();
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never puts what just happened in the future, and shows a dash for no time', () => {
    render(<RelativeTime iso="2026-03-02T09:59:59Z" />);
    act(() => vi.advanceTimersByTime(20_000));
    // A second time drawn between two ticks reads the time it was drawn at, not the last tick's.
    render(<RelativeTime iso={new Date(Date.now()).toISOString()} />);
    expect(screen.getByText('now')).toBeTruthy();
    render(<RelativeTime iso={null} />);
    expect(screen.getByText('—')).toBeTruthy();
  });
});
