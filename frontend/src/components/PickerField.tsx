import { useEffect, useState } from 'react';
import { Picker, PickerOption, get, messageOf, post } from '../api';

/** The query a picker's options are asked with: the connection and the settings it depends on; null until all are set. */
export function pickerQuery(picker: Picker, connectionId: string, settings: Record<string, unknown>): string | null {
  const query = new URLSearchParams({ connectionId });
  for (const dependency of picker.dependsOn) {
    const value = String(settings[dependency] ?? '').trim();
    if (!value) return null;
    query.set(dependency, value);
  }
  return query.toString();
}

/**
 * Settings with one of them changed to `value` (removed when empty). When it changed, the settings picked from it are
 * removed too, and those picked from them: another Airtable base has other tables, and those tables other views.
 */
export function withPicked(values: Record<string, unknown>, pickers: Picker[], setting: string, value: unknown): Record<string, unknown> {
  const next = { ...values };
  if (value === undefined || value === '') delete next[setting]; else next[setting] = value;
  if (value !== values[setting]) {
    const cleared = new Set([setting]);
    // Pickers come in their order (a base before its tables), so one pass reaches every dependant.
    for (const picker of pickers) {
      if (picker.dependsOn.some((d) => cleared.has(d))) {
        delete next[picker.setting];
        cleared.add(picker.setting);
      }
    }
  }
  return next;
}

/**
 * A setting picked from what a connection's account lists (a destination's spreadsheet, a source's Airtable base),
 * asked of the picker's endpoint once what it depends on is chosen, and again when that changes. The options fill a
 * searchable list under a text field, so a value can also be typed or pasted (an id, a URL, a new tab's name), also
 * when the listing fails: the failure is said beside it.
 */
export function PickerField({ id, label, description, picker, settings, connectionId, value, onChange, error }: {
  id: string;
  /** The field's label; the picker's title when absent. */
  label?: string;
  /** The setting's own hint, shown under the field. */
  description?: string;
  picker: Picker;
  settings: Record<string, unknown>;
  connectionId: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
}) {
  const path = picker.endpoint.replace(/^\/api\/v1/, '');
  const query = pickerQuery(picker, connectionId, settings);
  const [options, setOptions] = useState<PickerOption[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    setOptions([]);
    setFailure(null);
    if (query === null) return;
    const controller = new AbortController();
    // After a pause in typing: a pasted URL or a picked value, not every keystroke.
    const timer = window.setTimeout(() => {
      get<PickerOption[]>(`${path}?${query}`, controller.signal).then(setOptions,
        (e) => { if (!controller.signal.aborted) setFailure(messageOf(e)); });
    }, 400);
    return () => { window.clearTimeout(timer); controller.abort(); };
  }, [path, query, version]);

  const create = async () => {
    const title = window.prompt(`Name of the new ${picker.title.toLowerCase()}`, 'Rowflow export');
    if (!title) return;
    setCreating(true);
    setFailure(null);
    try {
      // The destination's other settings go along: what the new choice belongs to (a project) or needs (a location).
      const values = Object.fromEntries(Object.entries(settings).filter(([, v]) => typeof v === 'string' && v.trim() !== ''));
      const made = await post<PickerOption>(path, { connectionId, title, values });
      onChange(made.value);
      setVersion((v) => v + 1);
    } catch (e) {
      setFailure(messageOf(e));
    } finally {
      setCreating(false);
    }
  };

  const chosen = options.find((o) => o.value === value);
  return (
    <div className={'field' + (error ? ' has-error' : '')}>
      <label htmlFor={id}>{label ?? picker.title}</label>
      <div className="row">
        <input id={id} list={id + '-options'} placeholder={query === null ? 'Choose what it depends on first' : 'Pick one, or type it'}
          value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={id + '-hint'} autoComplete="off" />
        <datalist id={id + '-options'}>
          {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </datalist>
        {picker.creatable && (
          <button type="button" className="button small" onClick={create} disabled={creating}>{creating ? 'Creating…' : 'Create new'}</button>
        )}
      </div>
      <small id={id + '-hint'} className="hint">
        {chosen && chosen.label !== chosen.value ? chosen.label + ' · ' : ''}
        {options.length > 0 ? `${options.length} to pick from` : query === null ? '' : 'None found yet: type it'}
      </small>
      {description && <small className="hint">{description}</small>}
      {failure && <small className="field-error" role="alert">{failure}</small>}
      {error && <small className="field-error">{error}</small>}
    </div>
  );
}
