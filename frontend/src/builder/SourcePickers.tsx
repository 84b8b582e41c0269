import { Connection, ConnectorDescriptor, Picker } from '../api';
import { PickerField, withPicked } from '../components/PickerField';

/** The pickers a flow's source offers: those of the settings its connector lets a flow set (`x-flow-parameters`). */
export function flowPickers(connector: ConnectorDescriptor | undefined): Picker[] {
  const allowed = (connector?.configSchema as { 'x-flow-parameters'?: string[] } | undefined)?.['x-flow-parameters'] ?? [];
  return (connector?.pickers ?? []).filter((p) => allowed.includes(p.setting));
}

/**
 * The settings a flow's source reads with, as far as its pickers go: the connection's, each the flow sets replacing
 * it; a base the flow sets leaves out the connection's table, which belongs to another base.
 */
export function flowSettings(connection: Record<string, unknown>, parameters: Record<string, unknown>,
  pickers: Picker[]): Record<string, unknown> {
  let settings = { ...connection };
  for (const picker of pickers) {
    const value = parameters[picker.setting];
    if (value !== undefined && value !== '') settings = withPicked(settings, pickers, picker.setting, value);
  }
  return settings;
}

/**
 * A flow's own choice of what its source reads (another Airtable base or table than the connection's), picked from
 * what the connection's account lists or typed; left empty, the connection's setting holds.
 */
export function SourcePickers({ index, connection, pickers, parameters, onChange }: {
  index: number;
  connection: Connection;
  pickers: Picker[];
  parameters: Record<string, unknown>;
  onChange: (parameters: Record<string, unknown>) => void;
}) {
  const own = (connection.config ?? {}) as Record<string, unknown>;
  const settings = flowSettings(own, parameters, pickers);
  return (
    <>
      {pickers.map((picker) => (
        <PickerField key={picker.setting} id={`source-${index}-${picker.setting}`} picker={picker} settings={settings}
          connectionId={connection.id} value={String(parameters[picker.setting] ?? '')}
          description={own[picker.setting] ? `Left empty: the connection's (${String(own[picker.setting])})` : undefined}
          onChange={(value) => onChange(withPicked(parameters, pickers, picker.setting, value))} />
      ))}
    </>
  );
}
