import { useEffect, useState } from 'react';
import { ApiError, Connection, Destination, WriterDescriptor, get, messageOf, post } from '../api';
import { ConnectDialog } from '../components/ConnectDialog';
import { SchemaForm } from '../components/SchemaForm';
import { ErrorBox, useLoad } from '../components/ui';

interface Spreadsheet {
  id: string;
  name: string;
}

/** Where the rows go: a workbook, a Google Sheets tab, … each with its own settings. */
export function DestinationsPanel({ destinations, onChange, writers, connections, onConnectionAdded, error, flowId }: {
  destinations: Destination[];
  /** The saved flow's id: a published destination shows its addresses once saved. */
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
            {destination.type === 'google-sheets' && (
              <SheetPicker settings={destination.settings ?? {}} connections={connections} onConnectionAdded={onConnectionAdded}
                onChange={(settings) => set(index, { ...destination, settings })}
                error={(field) => error?.field(`destinations[${index}].settings.${field}`)} />
            )}
            {destination.type === 'published' && <PublishedUrls flowId={flowId} index={index} />}
            {writer && (
              <SchemaForm idPrefix={`destination-${index}`} value={destination.settings ?? {}}
                schema={destination.type === 'google-sheets' ? withoutPicked(writer) : writer.configSchema}
                onChange={(settings) => set(index, { ...destination, settings: { ...destination.settings, ...settings,
                  ...(destination.type === 'google-sheets' ? pickedOf(destination.settings ?? {}) : {}) } })}
                errorFor={(field) => error?.field(`destinations[${index}].settings.${field}`)} />
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

const PICKED = ['connectionId', 'spreadsheet', 'sheetName'];
const pickedOf = (settings: Record<string, unknown>) => Object.fromEntries(PICKED.filter((k) => k in settings).map((k) => [k, settings[k]]));
function withoutPicked(writer: WriterDescriptor) {
  const properties = { ...writer.configSchema.properties };
  PICKED.forEach((k) => delete properties[k]);
  return { ...writer.configSchema, properties, required: (writer.configSchema.required ?? []).filter((r) => !PICKED.includes(r)) };
}

/** The Google account, then a spreadsheet from its Drive, by URL, or a new one. */
function SheetPicker({ settings, connections, onChange, onConnectionAdded, error }: {
  settings: Record<string, unknown>;
  connections: Connection[];
  onChange: (settings: Record<string, unknown>) => void;
  onConnectionAdded: (connection: Connection) => void;
  error: (field: string) => string | undefined;
}) {
  const google = connections.filter((c) => c.connectorId === 'google-sheets');
  const connectionId = settings.connectionId as string | undefined;
  const [connecting, setConnecting] = useState(false);
  const [creating, setCreating] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const sheets = useLoad(async (signal) => (connectionId
    ? get<Spreadsheet[]>(`/connections/${connectionId}/spreadsheets`, signal) : []), [connectionId]);
  const spreadsheetId = spreadsheetIdOf(String(settings.spreadsheet ?? ''));
  const [tabs, setTabs] = useState<string[]>([]);
  useEffect(() => {
    setTabs([]);
    if (!connectionId || !spreadsheetId) return;
    const controller = new AbortController();
    // After a pause in typing: a pasted URL or a picked id, not every keystroke.
    const timer = window.setTimeout(() => {
      get<string[]>(`/connections/${connectionId}/spreadsheets/${encodeURIComponent(spreadsheetId)}/tabs`, controller.signal)
        .then(setTabs, () => setTabs([]));
    }, 400);
    return () => { window.clearTimeout(timer); controller.abort(); };
  }, [connectionId, spreadsheetId]);

  const create = async () => {
    const title = window.prompt('Name of the new spreadsheet', 'Rowflow export');
    if (!title || !connectionId) return;
    setCreating(true);
    setFailure(null);
    try {
      const created = await post<Spreadsheet>(`/connections/${connectionId}/spreadsheets`, { title });
      onChange({ ...settings, spreadsheet: created.id });
      sheets.reload();
    } catch (e) {
      setFailure(messageOf(e));
    } finally {
      setCreating(false);
    }
  };

  return (
    <div className="stack">
      <div className={'field' + (error('connectionId') ? ' has-error' : '')}>
        <label htmlFor="google-account">Google account</label>
        <div className="row">
          <select id="google-account" value={connectionId ?? ''} onChange={(e) => onChange({ ...settings, connectionId: e.target.value || undefined })}>
            <option value="">Choose…</option>
            {google.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
          <button type="button" className="button small" onClick={() => setConnecting(true)}>Connect Google</button>
        </div>
        {error('connectionId') && <small className="field-error">{error('connectionId')}</small>}
      </div>
      {connectionId && (
        <div className={'field' + (error('spreadsheet') ? ' has-error' : '')}>
          <label htmlFor="spreadsheet">Spreadsheet</label>
          <div className="row">
            <input id="spreadsheet" list="spreadsheet-options" placeholder="Pick one, or paste its URL"
              value={String(settings.spreadsheet ?? '')} onChange={(e) => onChange({ ...settings, spreadsheet: e.target.value })} />
            <datalist id="spreadsheet-options">
              {(sheets.value ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </datalist>
            <button type="button" className="button small" onClick={create} disabled={creating}>{creating ? 'Creating…' : 'Create new'}</button>
          </div>
          {sheets.error && <small className="field-error">{sheets.error}</small>}
          {error('spreadsheet') && <small className="field-error">{error('spreadsheet')}</small>}
        </div>
      )}
      {connectionId && (
        <div className={'field' + (error('sheetName') ? ' has-error' : '')}>
          <label htmlFor="sheet-tab">Tab</label>
          <input id="sheet-tab" list="sheet-tab-options" placeholder="Data" value={String(settings.sheetName ?? '')}
            onChange={(e) => onChange({ ...settings, sheetName: e.target.value || undefined })} />
          <datalist id="sheet-tab-options">
            {tabs.map((t) => <option key={t} value={t} />)}
          </datalist>
          <small className="hint">{tabs.length > 0 ? `Pick one of its ${tabs.length} tabs, or name a new one: it is created.` : 'Created if absent.'}</small>
          {error('sheetName') && <small className="field-error">{error('sheetName')}</small>}
        </div>
      )}
      {failure && <ErrorBox message={failure} />}
      {connecting && (
        <ConnectDialog only={['google-sheets']} onClose={() => setConnecting(false)}
          onConnected={(c) => { setConnecting(false); onConnectionAdded(c); onChange({ ...settings, connectionId: c.id }); }} />
      )}
    </div>
  );
}
