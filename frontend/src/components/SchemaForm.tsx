import { JsonSchema } from '../api';

type Value = Record<string, unknown>;

/**
 * A form for a connector's or destination's settings, drawn from the JSON Schema the catalog gives: text, numbers,
 * booleans, choices, lists, key/value maps and nested groups. Secrets (writeOnly) are password fields and, once stored,
 * are left empty to keep them. Fields a sign-in fills ("set by …") are not shown.
 */
export function SchemaForm({ schema, value, onChange, idPrefix, errorFor, storedSecrets = [], path = '' }: {
  schema: JsonSchema;
  value: Value;
  onChange: (value: Value) => void;
  idPrefix: string;
  errorFor?: (path: string) => string | undefined;
  storedSecrets?: string[];
  path?: string;
}) {
  const properties = Object.entries(schema.properties ?? {}).filter(([, p]) => !(p.title ?? '').includes('(set by'));
  const set = (key: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined || v === '') delete next[key]; else next[key] = v;
    onChange(next);
  };
  return (
    <>
      {properties.map(([key, property]) => {
        const id = `${idPrefix}-${path}${key}`.replace(/[^A-Za-z0-9_-]/g, '-');
        const fieldPath = path + key;
        const label = (property.title ?? key) + ((schema.required ?? []).includes(key) ? ' *' : '');
        const error = errorFor?.(fieldPath);
        const current = value[key];
        const describedBy = error ? id + '-error' : property.description ? id + '-hint' : undefined;
        const hint = property.description;
        if (property.type === 'object' && property.properties) {
          return (
            <fieldset key={key} className="group">
              <legend>{property.title ?? key}</legend>
              <SchemaForm schema={property} value={(current as Value) ?? {}} idPrefix={idPrefix} errorFor={errorFor}
                onChange={(v) => set(key, Object.keys(v).length ? v : undefined)} path={fieldPath + '.'} />
            </fieldset>
          );
        }
        let input;
        if (property.enum) {
          input = (
            <select id={id} aria-describedby={describedBy} value={String(current ?? property.default ?? '')}
              onChange={(e) => set(key, e.target.value)}>
              {!property.default && <option value="">Choose…</option>}
              {property.enum.map((option) => <option key={String(option)} value={String(option)}>{String(option)}</option>)}
            </select>
          );
        } else if (property.type === 'boolean') {
          input = (
            <input id={id} type="checkbox" aria-describedby={describedBy} checked={Boolean(current ?? property.default)}
              onChange={(e) => set(key, e.target.checked)} />
          );
        } else if (property.type === 'integer' || property.type === 'number') {
          input = (
            <input id={id} type="number" aria-describedby={describedBy} min={property.minimum} max={property.maximum}
              placeholder={property.default !== undefined ? String(property.default) : undefined}
              value={current === undefined ? '' : String(current)}
              onChange={(e) => set(key, e.target.value === '' ? undefined : Number(e.target.value))} />
          );
        } else if (property.type === 'array') {
          input = (
            <input id={id} aria-describedby={describedBy} placeholder="comma-separated"
              value={Array.isArray(current) ? current.join(', ') : ''}
              onChange={(e) => set(key, e.target.value.trim() === '' ? undefined
                : e.target.value.split(',').map((v) => v.trim()).filter((v) => v !== ''))} />
          );
        } else if (property.type === 'object') {
          // A map such as query parameters or headers: one "name: value" a line.
          const text = current && typeof current === 'object'
            ? Object.entries(current as Value).map(([k, v]) => `${k}: ${v}`).join('\n') : '';
          input = (
            <textarea id={id} aria-describedby={describedBy} rows={2}
              placeholder={property.writeOnly && storedSecrets.includes(key) ? 'Stored — leave empty to keep' : 'name: value, one a line'}
              defaultValue={text}
              onChange={(e) => {
                const entries = e.target.value.split('\n').map((line) => line.split(/:(.*)/s)).filter((p) => p[0].trim() !== '');
                set(key, entries.length ? Object.fromEntries(entries.map(([k, v]) => [k.trim(), (v ?? '').trim()])) : undefined);
              }} />
          );
        } else {
          input = (
            <input id={id} aria-describedby={describedBy} type={property.writeOnly ? 'password' : property.format === 'uri' ? 'url' : 'text'}
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
      })}
    </>
  );
}
