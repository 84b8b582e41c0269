import { get } from '../api';
import { ErrorBox, RelativeTime, formatCount, useLoad } from '../components/ui';

/** A flow's destination as GET /flows/{id}/destinations describes it. */
export interface DestinationState {
  index: number;
  type: string;
  name: string;
  link: { href: string; label: string } | null;
  rowsWritten: number | null;
  writtenAt: string | null;
  runId: string | null;
}

/**
 * Where the flow's data lands: each destination with a link to open it (the spreadsheet, the workbook, the published
 * address) and what the last successful run wrote there. {@code version} changes when a run ends, to look again.
 */
export function FlowDestinations({ flowId, version }: { flowId: string; version: unknown }) {
  const destinations = useLoad((signal) => get<DestinationState[]>(`/flows/${flowId}/destinations`, signal), [flowId, version]);
  if (destinations.error) return <ErrorBox message={destinations.error} onRetry={destinations.reload} />;
  if (!destinations.value || destinations.value.length === 0) return null;
  return (
    <section className="card destinations-summary" aria-labelledby="flow-destinations-title" data-testid="flow-destinations">
      <h2 id="flow-destinations-title">Destinations</h2>
      <ul>
        {destinations.value.map((d) => (
          <li key={d.index}>
            <strong>{d.name}</strong>
            <span className="muted">
              {d.rowsWritten === null ? 'Nothing written yet'
                : <>{formatCount(d.rowsWritten)} {d.rowsWritten === 1 ? 'row' : 'rows'} written <RelativeTime iso={d.writtenAt} /></>}
            </span>
            {d.link && (
              // Rowflow's own files download; another site's page (a spreadsheet, a published address) opens aside.
              <a className="button small" href={d.link.href} download={d.link.href.startsWith('/') ? '' : undefined}
                target={d.link.href.startsWith('/') ? undefined : '_blank'} rel="noreferrer" aria-label={`${d.link.label} (destination ${d.index + 1}, ${d.name})`}>{d.link.label}</a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
