import {
  KeyboardEvent as ReactKeyboardEvent, ReactNode, useCallback, useEffect, useId, useRef, useState, useSyncExternalStore,
} from 'react';
import { createPortal } from 'react-dom';
import { messageOf } from '../api';

/** Loads data for a page: loading, the value, or the error, and a way to load again. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ loading: boolean; value?: T; error?: string }>({ loading: true });
  const counter = useRef(0);
  const reload = useCallback(() => {
    const attempt = ++counter.current;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (value) => attempt === counter.current && setState({ loading: false, value }),
      (error) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        if (attempt === counter.current) setState({ loading: false, error: messageOf(error) });
      },
    );
    return controller;
  }, deps);
  useEffect(() => {
    const controller = reload();
    return () => controller.abort();
  }, [reload]);
  return { ...state, reload };
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function ErrorBox({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <span>{message}</span>
      {onRetry && (
        <button type="button" className="button small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

const STATUS_LABELS: Record<string, string> = {
  queued: 'Queued', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled',
  skipped: 'Skipped', paused: 'Paused', never: 'Never run', connected: 'Connected',
  ok: 'Connected', needs_reauthorization: 'Needs reconnect', failing: 'Failing', checking: 'Testing…', unchecked: 'Not tested',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={'badge badge-' + status} data-status={status}>
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 60) return format.format(seconds, 'second');
  if (abs < 3600) return format.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return format.format(Math.round(seconds / 3600), 'hour');
  return format.format(Math.round(seconds / 86400), 'day');
}

/** One timer per interval, shared by every component on the page that reads the time through useNow. */
const clocks = new Map<number, { now: number; listeners: Set<() => void>; timer: number }>();

function subscribeToClock(intervalMs: number, listener: () => void) {
  let clock = clocks.get(intervalMs);
  if (!clock) {
    const started = { now: Date.now(), listeners: new Set<() => void>(), timer: 0 };
    started.timer = window.setInterval(() => {
      started.now = Date.now();
      started.listeners.forEach((l) => l());
    }, intervalMs);
    clocks.set(intervalMs, started);
    clock = started;
  }
  const running = clock;
  running.listeners.add(listener);
  return () => {
    running.listeners.delete(listener);
    if (running.listeners.size === 0) {
      window.clearInterval(running.timer);
      clocks.delete(intervalMs);
    }
  };
}

/**
 * The current time, moving on every intervalMs, so that "2 minutes ago" does not stay on screen for an hour. Never
 * earlier than this component's first render: a clock that last ticked before then would put a run just made "in the
 * future".
 */
export function useNow(intervalMs = 30_000): number {
  const [mounted] = useState(Date.now);
  const subscribe = useCallback((listener: () => void) => subscribeToClock(intervalMs, listener), [intervalMs]);
  const snapshot = () => Math.max(clocks.get(intervalMs)?.now ?? mounted, mounted);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** A time relative to now ("3 minutes ago", "in 2 hours") that keeps itself current, the exact time on hover. */
export function RelativeTime({ iso, intervalMs = 30_000 }: { iso: string | null | undefined; intervalMs?: number }) {
  const now = useNow(intervalMs);
  if (!iso) return <>—</>;
  return <time dateTime={iso} title={formatTime(iso)}>{relativeTime(iso, now)}</time>;
}

export function formatDuration(millis: number | null | undefined): string {
  if (millis === null || millis === undefined) return '—';
  if (millis < 1000) return `${millis} ms`;
  if (millis < 60000) return `${(millis / 1000).toFixed(1)} s`;
  return `${Math.floor(millis / 60000)} min ${Math.round((millis % 60000) / 1000)} s`;
}

export const formatCount = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString());

/** A labelled form field with its hint and error, wired for screen readers. */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div className={'field' + (error ? ' has-error' : '')}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && <small id={id + '-hint'} className="hint">{hint}</small>}
      {error && <small id={id + '-error'} className="field-error" role="alert">{error}</small>}
    </div>
  );
}

/**
 * A modal dialog. It renders in a portal on document.body, so that a form inside it is never nested in the page's own
 * form (nested forms are invalid HTML: the inner submit reloaded the builder). React still bubbles events through the
 * component tree, so a submit is stopped at the dialog's edge too. Focus moves in on open, stays in on
 * Tab, and returns to where it was on close.
 */
export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.close)')?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && close.current();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const keepFocusInside = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const focusable = Array.from(ref.current.querySelectorAll<HTMLElement>(
      'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'))
      // What a closed fold holds cannot take the focus.
      .filter((element) => !element.closest('details:not([open]) > :not(summary)'));
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return createPortal(
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}
      onSubmit={(e) => e.stopPropagation()} onKeyDown={keepFocusInside}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={ref}>
        <header>
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="close" aria-label="Close" onClick={onClose}>×</button>
        </header>
        {children}
      </div>
    </div>,
    document.body,
  );
}

/**
 * Asks before an action that cannot be undone, in the app's dialog (focus moves in, stays in, and returns on close).
 * The safe choice comes first and has the focus, so Enter on a dialog opened by mistake does nothing harmful. While the
 * action runs its button says so; a refusal is shown in the dialog, which stays open to try again or cancel.
 */
export function ConfirmDialog({ title, children, confirmLabel, onConfirm, onCancel }: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | void;
  onCancel: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onCancel}>
      <div className="stack">
        {children}
        {error && <ErrorBox message={error} />}
        <div className="row wrap">
          <button type="button" className="button" onClick={onCancel}>Cancel</button>
          <button type="button" className="button danger" onClick={confirm} disabled={busy}>{busy ? 'Working…' : confirmLabel}</button>
        </div>
      </div>
    </Dialog>
  );
}

/**
 * A secret shown once (a token, an address) with a Copy button. The outcome is said in a live region; where the page
 * may not use the clipboard (an http address, a refused permission), the text is selected instead, to copy by hand.
 */
export function CopyableSecret({ value, what, testId, focus = false }: {
  value: string;
  /** What it is, for the button's name: "Copy token". */
  what: string;
  testId?: string;
  /** Move the focus to the Copy button when it appears: copying is the next thing to do. */
  focus?: boolean;
}) {
  const text = useRef<HTMLElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const [note, setNote] = useState('');
  useEffect(() => {
    if (focus) button.current?.focus();
  }, [focus, value]);
  useEffect(() => {
    if (!note) return;
    const timer = window.setTimeout(() => setNote(''), 5000);
    return () => window.clearTimeout(timer);
  }, [note]);
  const copy = async () => {
    setNote('');
    try {
      if (!navigator.clipboard) throw new Error('No clipboard here');
      await navigator.clipboard.writeText(value);
      setNote('Copied');
    } catch {
      const selection = window.getSelection();
      if (text.current && selection) selection.selectAllChildren(text.current);
      setNote('Copying is not allowed here: the text is selected, press Ctrl+C (⌘C on a Mac) to copy it');
    }
  };
  return (
    <span className="copyable">
      <code className="secret" ref={text} data-testid={testId}>{value}</code>
      <button type="button" className="button small" ref={button} onClick={copy} aria-label={`Copy ${what}`}>Copy</button>
      <span className="copy-note" role="status">{note}</span>
    </span>
  );
}
