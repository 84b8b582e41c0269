import { useEffect, useState } from 'react';
import { JsonSchema, Picker } from '../api';
import { humanize } from './labels';
import { PickerField, withPicked } from './PickerField';
import { UploadField } from './UploadField';

type Value = Record<string, unknown>;

/** A setting's label: its JSON Schema title, else its key in words ("clientSecret" → "Client secret"); never the raw key. */
export const labelOf = (key: string, property: JsonSchema) => property.title?.trim() || humanize(key);

/** Fields a sign-in fills ("… (set by "Connect HubSpot")") are not for people to type. */
/** Fields a person fills: not those a sign-in sets, nor those a newer field replaced (`deprecated`, kept readable). */
const visibleKeys = (schema: JsonSchema) =>
  Object.entries(schema.properties ?? {}).filter(([, p]) => !(p.title ?? '').includes('(set by') && !p.deprecated)
    .map(([key]) => key);

/**
 * Which fields come first and which wait in the "Advanced settings" fold. The ones a connection needs come first:
 * those the schema requires, in `required` or in one of its `anyOf`/`oneOf` alternatives (an API key, or a sign-in's
 * token), in the schema's order. Optional fields go in the fold, unless the schema requires nothing at all (then there
 * is nothing to put before them, and every field is shown). `"x-advanced": true` puts a field in the fold and
 * `"x-advanced": false` keeps it up front, whatever the rule says.
 */
export function splitFields(schema: JsonSchema): { main: string[]; advanced: string[] } {
  const keys = visibleKeys(schema);
  const required = new Set([...(schema.required ?? []),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap((alternative) => alternative.required ?? [])]);
  const anyRequired = keys.some((k) => required.has(k));
  const isAdvanced = (key: string) => schema.properties?.[key]?.['x-advanced'] ?? (anyRequired && !required.has(key));
  const main = keys.filter((k) => !isAdvanced(k));
  return {
    main: [...main.filter((k) => required.has(k)), ...main.filter((k) => !required.has(k))],
    advanced: keys.filter(isAdvanced),
  };
}

const hasValue = (v: unknown) => v !== undefined && v !== null && v !== ''
  && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/**
 * A form for a connector's or destination's settings, drawn from the JSON Schema the catalog gives: text, numbers,
 * booleans, choices, lists, key/value maps and nested groups. Each field is labelled by its title (else its key in
 * words), its description is its hint, tied to it with aria-describedby. The fields a connection needs come first;
 * optional ones wait in a closed "Advanced settings" fold (see splitFields), which opens by itself when one of them
 * holds a value, a stored secret or an error. Secrets (writeOnly) are password fields and, once stored, are left empty
 * to keep them. A field marked "x-upload" (an uploaded file's id) is a file chooser that uploads (UploadField). Fields a
 * sign-in fills ("set by …") are not shown. A field a picker of the connector fills (`pickers`, an Airtable base and
 * table) lists what the saved connection's account offers, still open to typing; changing it clears the fields
 * picked from it (a base's table).
 */
export function SchemaForm({ schema, value, onChange, idPrefix, errorFor, storedSecrets = [], path = '', fold = path === '', pickers }: {
  schema: JsonSchema;
  value: Value;
  onChange: (value: Value) => void;
  idPrefix: string;
  errorFor?: (path: string) => string | undefined;
  storedSecrets?: string[];
  path?: string;
  /** Put optional fields in the "Advanced settings" fold; on by default at the top level, off in nested groups. */
  fold?: boolean;
  /** The connector's pickers and the saved connection they list through (top-level settings only). */
  pickers?: { connectionId: string; list: Picker[] };
}) {
  const { main, advanced } = fold ? splitFields(schema) : { main: visibleKeys(schema), advanced: [] };
  const mustOpen = advanced.some((k) => hasValue(value[k]) || storedSecrets.includes(k) || errorFor?.(path + k) !== undefined);
  const [open, setOpen] = useState(mustOpen);
  useEffect(() => {
    // A value typed elsewhere, or the server's error on a folded field: the fold shows it.
    if (mustOpen) setOpen(true);
  }, [mustOpen]);

  const pickerOf = (key: string) => (path === '' ? pickers?.list.find((p) => p.setting === key) : undefined);
  // A picked setting that changes clears what was picked from it (another base's tables).
  const set = (key: string, v: unknown) => onChange(withPicked(value, path === '' ? pickers?.list ?? [] : [], key, v));
  const field = (key: string) => {
    const property = schema.properties![key];
    const id = `${idPrefix}-${path}${key}`.replace(/[^A-Za-z0-9_-]/g, '-');
    const fieldPath = path + key;
    const required = (schema.required ?? []).includes(key);
    const label = labelOf(key, property) + (required ? ' *' : '');
    const error = errorFor?.(fieldPath);
    const current = value[key];
    const hint = property.description;
    const picker = pickerOf(key);
    if (picker && pickers) {
      return (
        <PickerField key={key} id={id} label={label} description={hint} picker={picker} settings={value}
          connectionId={pickers.connectionId} value={current === undefined ? '' : String(current)}
          onChange={(v) => set(key, v)} error={error} />
      );
    }
    const describedBy = error ? id + '-error' : hint ? id + '-hint' : undefined;
    const aria = { 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, 'aria-required': required || undefined };
    if (property.type === 'object' && property.properties) {
      return (
        <fieldset key={key} className="group" aria-describedby={hint ? id + '-hint' : undefined}>
          <legend>{labelOf(key, property)}</legend>
          {hint && <p id={id + '-hint'} className="hint">{hint}</p>}
          <SchemaForm schema={property} value={(current as Value) ?? {}} idPrefix={idPrefix} errorFor={errorFor}
            onChange={(v) => set(key, Object.keys(v).length ? v : undefined)} path={fieldPath + '.'} />
        </fieldset>
      );
    }
    let input;
    if (property['x-upload']) {
      input = (
        <UploadField id={id} kind={property['x-upload']} value={current === undefined ? undefined : String(current)}
          onChange={(v) => set(key, v)} describedBy={describedBy} invalid={Boolean(error)} required={required} />
      );
    } else if (property.enum) {
      input = (
        <select id={id} {...aria} value={String(current ?? property.default ?? '')} onChange={(e) => set(key, e.target.value)}>
          {!property.default && <option value="">Choose…</option>}
          {property.enum.map((option) => <option key={String(option)} value={String(option)}>{String(option)}</option>)}
        </select>
      );
    } else if (property.type === 'boolean') {
      input = (
        <input id={id} type="checkbox" {...aria} checked={Boolean(current ?? property.default)}
          onChange={(e) => set(key, e.target.checked)} />
      );
    } else if (property.type === 'integer' || property.type === 'number') {
      input = (
        <input id={id} type="number" {...aria} min={property.minimum} max={property.maximum}
          placeholder={property.default !== undefined ? String(property.default) : undefined}
          value={current === undefined ? '' : String(current)}
          onChange={(e) => set(key, e.target.value === '' ? undefined : Number(e.target.value))} />
      );
    } else if (property.type === 'array') {
      input = (
        <input id={id} {...aria} placeholder="comma-separated"
          value={Array.isArray(current) ? current.join(', ') : ''}
          onChange={(e) => set(key, e.target.value.trim() === '' ? undefined
            : e.target.value.split(',').map((v) => v.trim()).filter((v) => v !== ''))} />
      );
    } else if (property.type === 'object') {
      // A map such as query parameters or headers: one "name: value" a line.
      const text = current && typeof current === 'object'
        ? Object.entries(current as Value).map(([k, v]) => `${k}: ${v}`).join('\n') : '';
      input = (
        <textarea id={id} {...aria} rows={2}
          placeholder={property.writeOnly && storedSecrets.includes(key) ? 'Stored — leave empty to keep' : 'name: value, one a line'}
          defaultValue={text}
          onChange={(e) => {
            const entries = e.target.value.split('\n').map((line) => line.split(/:(.*)/s)).filter((p) => p[0].trim() !== '');
            set(key, entries.length ? Object.fromEntries(entries.map(([k, v]) => [k.trim(), (v ?? '').trim()])) : undefined);
          }} />
      );
    } else {
      input = (
        <input id={id} {...aria} type={property.writeOnly ? 'password' : property.format === 'uri' ? 'url' : 'text'}
          autoComplete={property.writeOnly ? 'new-password' : 'off'}
          placeholder={property.writeOnly && storedSecrets.includes(key) ? 'Stored — leave empty to keep'
            : property.default !== undefined && property.default !== '' ? String(property.default) : undefined}
          value={current === undefined ? '' : String(current)} onChange={(e) => set(key, e.target.value)} />
      );
    }
    return (
      <div key={key} className={'field' + (error ? ' has-error' : '') + (property.type === 'boolean' ? ' check' : '')}>
        <label htmlFor={id}>{label}</label>
        {input}
        {hint && !error && <small id={id + '-hint'} className="hint">{hint}</small>}
        {error && <small id={id + '-error'} className="field-error" role="alert">{error}</small>}
      </div>
    );
  };

  return (
    <>
      {main.map(field)}
      {advanced.length > 0 && (
        <details className="advanced" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}
          data-testid={`${idPrefix}-advanced`}>
          <summary>Advanced settings</summary>
          <div className="stack">{advanced.map(field)}</div>
        </details>
      )}
    </>
  );
}
