import { useEffect, useState } from 'react';
import { ApiError, Connection, ConnectorDescriptor, Destination, JsonSchema, WriterDescriptor, get, messageOf, post } from '../api';
import { ConnectDialog } from '../components/ConnectDialog';
import { PickerField } from '../components/PickerField';
import { SchemaForm } from '../components/SchemaForm';
import { useLoad } from '../components/ui';

/** Where the rows go: a workbook, a Google Sheets tab, … each drawn from its catalog entry alone. */
export function DestinationsPanel({ destinations, onChange, writers, connections, onConnectionAdded, error, flowId }: {
  destinations: Destination[];
  /** The saved flow's id: a destination with addresses of its own shows them once saved. */
  flowId?: string;
  onChange: (destinations: Destination[]) => void;
  writers: WriterDescriptor[];
  connections: Connection[];
  onConnectionAdded: (connection: Connection) => void;
  error: ApiError | null;
}) {
  const set = (index: number, destination: Destination) => onChange(destinations.map((d, i) => (i === index ? destination : d)));
  return (
    <div className="stack">
      {destinations.map((destination, index) => {
        const writer = writers.find((w) => w.id === destination.type);
        const errorFor = (field: string) => error?.field(`destinations[${index}].settings.${field}`);
        const setSettings = (settings: Record<string, unknown>) => set(index, { ...destination, settings });
        const picked = writer ? pickedSettings(writer) : [];
        return (
          <div className="card" key={index} data-testid={`destination-${index}`}>
            <div className="row spread">
              <div className="field">
                <label htmlFor={`destination-${index}-type`}>Destination {index + 1}</label>
                <select id={`destination-${index}-type`} value={destination.type}
                  onChange={(e) => set(index, { type: e.target.value, settings: {} })}>
                  {writers.map((w) => <option key={w.id} value={w.id}>{w.name}</option>)}
                </select>
              </div>
              {destinations.length > 1 && (
                <button type="button" className="button small danger" onClick={() => onChange(destinations.filter((_, i) => i !== index))}>
                  Remove
                </button>
              )}
            </div>
            {writer?.connectionType && (
              <AccountPickers writer={writer} index={index} settings={destination.settings ?? {}} connections={connections}
                onConnectionAdded={onConnectionAdded} onChange={setSettings} error={errorFor} />
            )}
            {writer?.publishesAddresses && <PublishedUrls flowId={flowId} index={index} />}
            {writer && (
              <SchemaForm idPrefix={`destination-${index}`} value={destination.settings ?? {}}
                schema={withoutSettings(writer.configSchema, picked)}
                onChange={(settings) => setSettings({ ...destination.settings, ...settings, ...only(destination.settings ?? {}, picked) })}
                errorFor={errorFor} />
            )}
          </div>
        );
      })}
      <button type="button" className="button small" onClick={() => onChange([...destinations, { type: writers[0]?.id ?? 'excel', settings: {} }])}>
        Add destination
      </button>
    </div>
  );
}

/** The settings a destination's account and pickers set, which its settings form leaves out. */
export function pickedSettings(writer: WriterDescriptor): string[] {
  return writer.connectionType ? ['connectionId', ...writer.pickers.map((p) => p.setting)] : [];
}

const only = (settings: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => k in settings).map((k) => [k, settings[k]]));

/** A settings schema without the given settings (drawn elsewhere). */
export function withoutSettings(schema: JsonSchema, keys: string[]): JsonSchema {
  if (keys.length === 0) return schema;
  const properties = { ...schema.properties };
  keys.forEach((k) => delete properties[k]);
  return { ...schema, properties, required: (schema.required ?? []).filter((r) => !keys.includes(r)) };
}

interface Publication {
  csvUrl: string;
  jsonUrl: string;
  ndjsonUrl: string;
  publishedAt: string | null;
}

/** A published destination's secret addresses, each with a copy button, and a way to replace them. */
function PublishedUrls({ flowId, index }: { flowId?: string; index: number }) {
  const [publication, setPublication] = useState<Publication | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (!flowId) return;
    const abort = new AbortController();
    get<Publication>(`/flows/${flowId}/destinations/${index}/publication`, abort.signal)
      .then(setPublication)
      .catch((e) => { if (!abort.signal.aborted) setNote(e instanceof ApiError && e.status === 404 ? null : messageOf(e)); });
    return () => abort.abort();
  }, [flowId, index]);
  if (!flowId || !publication) {
    return <p className="muted">{note ?? 'Save the flow to get the addresses BI tools read its result from.'}</p>;
  }
  const copy = (url: string) => navigator.clipboard.writeText(url).then(() => setNote('Copied.'), () => setNote('Copy it from the field.'));
  const replace = () => {
    if (!window.confirm('Replace the addresses? Tools using the current ones stop getting data until given the new ones.')) return;
    post<Publication>(`/flows/${flowId}/destinations/${index}/publication/token`).then(setPublication, (e) => setNote(messageOf(e)));
  };
  return (
    <div className="stack" data-testid={`published-${index}`}>
      {([['CSV', publication.csvUrl], ['JSON', publication.jsonUrl], ['NDJSON', publication.ndjsonUrl]] as const).map(([label, url]) => (
        <div className="field" key={label}>
          <label htmlFor={`published-${index}-${label}`}>{label} address</label>
          <div className="row">
            <input id={`published-${index}-${label}`} className="mono" readOnly value={url} onFocus={(e) => e.target.select()} />
            <button type="button" className="button small" onClick={() => copy(url)}>Copy</button>
          </div>
        </div>
      ))}
      <p className="muted">
        {publication.publishedAt ? `Last published ${new Date(publication.publishedAt).toLocaleString()}.` : 'Nothing is published until the flow\'s first successful run.'}
        {' '}Anyone with an address can read the result.
      </p>
      {note && <p role="status">{note}</p>}
      <button type="button" className="button small" onClick={replace}>Replace addresses</button>
    </div>
  );
}

/** A spreadsheet's id from its URL (…/spreadsheets/d/{id}/edit), or the text itself when it is an id. */
export function spreadsheetIdOf(text: string): string {
  const match = /\/spreadsheets\/d\/([A-Za-z0-9_-]+)/.exec(text);
  if (match) return match[1];
  return /^[A-Za-z0-9_-]+$/.test(text.trim()) ? text.trim() : '';
}

/**
 * The account a destination writes through, then its pickers (a spreadsheet, then its tab), as its catalog entry
 * declares them: the connections of its type with a way to connect a new one, and each picker's options from its
 * endpoint once what it depends on is chosen. A value can also be typed or pasted (a URL, a new tab's name).
 */
function AccountPickers({ writer, index, settings, connections, onChange, onConnectionAdded, error }: {
  writer: WriterDescriptor;
  index: number;
  settings: Record<string, unknown>;
  connections: Connection[];
  onChange: (settings: Record<string, unknown>) => void;
  onConnectionAdded: (connection: Connection) => void;
  error: (field: string) => string | undefined;
}) {
  const types = useLoad((signal) => get<ConnectorDescriptor[]>('/connection-types', signal), []);
  const typeName = types.value?.find((t) => t.id === writer.connectionType)?.name ?? writer.name;
  // The destination's own word for its account ("Google account") when its schema gives one, else the type's.
  const titled = (writer.configSchema as { properties?: Record<string, { title?: string }> } | undefined)
    ?.properties?.connectionId?.title;
  const label = titled ?? (/account$/i.test(typeName) ? typeName : `${typeName} account`);
  const accounts = connections.filter((c) => c.connectorId === writer.connectionType);
  const connectionId = settings.connectionId as string | undefined;
  const [connecting, setConnecting] = useState(false);
  const id = `destination-${index}-connection`;
  return (
    <div className="stack">
      <div className={'field' + (error('connectionId') ? ' has-error' : '')}>
        <label htmlFor={id}>{label}</label>
        <div className="row">
          <select id={id} value={connectionId ?? ''} aria-describedby={error('connectionId') ? id + '-error' : undefined}
            onChange={(e) => onChange({ ...settings, connectionId: e.target.value || undefined })}>
            <option value="">Choose…</option>
            {accounts.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
          <button type="button" className="button small" onClick={() => setConnecting(true)}>Connect {typeName}</button>
        </div>
        {error('connectionId') && <small id={id + '-error'} className="field-error">{error('connectionId')}</small>}
      </div>
      {connectionId && writer.pickers.map((picker) => (
        <PickerField key={picker.setting} id={`destination-${index}-${picker.setting}`} picker={picker} settings={settings}
          connectionId={connectionId} value={String(settings[picker.setting] ?? '')}
          onChange={(value) => onChange({ ...settings, [picker.setting]: value || undefined })} error={error(picker.setting)} />
      ))}
      {connecting && (
        <ConnectDialog only={[writer.connectionType!]} onClose={() => setConnecting(false)}
          onConnected={(c) => { setConnecting(false); onConnectionAdded(c); onChange({ ...settings, connectionId: c.id }); }} />
      )}
    </div>
  );
}

