import { FormEvent, useState } from 'react';
import { ApiError, Connection, ConnectorDescriptor, messageOf, put } from '../api';
import { Dialog, ErrorBox, Field } from './ui';
import { SchemaForm, labelOf } from './SchemaForm';
import { useUnsavedChanges } from './UnsavedChanges';

/**
 * Changes a connection's name and settings. Stored secrets are not shown and are kept unless a new value is typed;
 * when the settings lead to another address, the server asks for the secrets again (422 on each), which is said here
 * in words beside the fields.
 */
export function EditConnectionDialog({ connection, connector, onClose, onSaved }: {
  connection: Connection;
  connector: ConnectorDescriptor;
  onClose: () => void;
  onSaved: (connection: Connection) => void;
}) {
  const [name, setName] = useState(connection.name);
  const [config, setConfig] = useState<Record<string, unknown>>(connection.config ?? {});
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);
  const unsaved = name !== connection.name || JSON.stringify(config) !== JSON.stringify(connection.config ?? {});
  useUnsavedChanges(unsaved);
  const leave = () => {
    if (!unsaved || window.confirm('Discard your changes to this connection?')) onClose();
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setBusy(true);
    setError(null);
    try {
      onSaved(await put<Connection>(`/connections/${connection.id}`, {
        name: name.trim(), connectorId: connection.connectorId, config, shared: connection.shared,
      }));
    } catch (err) {
      setError(err instanceof ApiError ? err : messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const apiError = error instanceof ApiError ? error : null;
  const secretsAgain = apiError ? connection.secretFields.filter((s) => apiError.field('config.' + s)) : [];
  const titleOf = (key: string) => labelOf(key, connector.configSchema.properties?.[key] ?? {});
  return (
    <Dialog title={`Edit ${connection.name}`} onClose={leave}>
      <form onSubmit={save} className="stack">
        <Field id="edit-connection-name" label="Name" hint="How this account is called in Rowflow" error={apiError?.field('name')}>
          <input id="edit-connection-name" required value={name} onChange={(e) => setName(e.target.value)}
            aria-describedby={apiError?.field('name') ? 'edit-connection-name-error' : 'edit-connection-name-hint'} />
        </Field>
        <SchemaForm schema={connector.configSchema} value={config} onChange={setConfig} idPrefix="edit-config"
          storedSecrets={connection.secretFields} errorFor={(path) => apiError?.field('config.' + path)}
          pickers={connector.pickers?.length ? { connectionId: connection.id, list: connector.pickers } : undefined} />
        {connection.secretFields.length > 0 && (
          <p className="hint">Stored secrets are kept as they are unless you type a new value.</p>
        )}
        {secretsAgain.length > 0 && (
          <ErrorBox message={`These settings lead to another address than before, so enter ${secretsAgain.map(titleOf).join(', ')}`
            + ' again: Rowflow sends a secret only to the address it was given for.'} />
        )}
        {error && secretsAgain.length === 0 && (
          <ErrorBox message={typeof error === 'string' ? error
            : error.errors.length ? 'Check the fields marked above.' : error.message} />
        )}
        <div className="row">
          <button type="submit" className="button primary" disabled={busy || !unsaved}>{busy ? 'Saving…' : 'Save changes'}</button>
          <button type="button" className="button" onClick={leave}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}
