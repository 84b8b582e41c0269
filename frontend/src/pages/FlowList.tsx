import { useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { FlowOverview, bodyOf, get, messageOf, post, put } from '../api';
import { describeSchedule } from '../builder/model';
import { FirstRunGuide } from '../components/FirstRunGuide';
import { MyInvitations } from '../components/Invitations';
import { useCan } from '../components/Role';
import { Empty, ErrorBox, Loading, RelativeTime, StatusBadge, formatCount, useLoad } from '../components/ui';

export default function FlowList() {
  // One request answers the whole list: each flow with its newest run and next fire time.
  const flows = useLoad((signal) => get<FlowOverview[]>('/flows/overview', signal), []);
  const can = useCan();
  // A page that sent the user here may leave a word ("… was deleted.").
  const arrivedWith = (useLocation().state as { notice?: string } | null)?.notice ?? null;
  const [notice, setNotice] = useState<string | null>(arrivedWith);
  const [error, setError] = useState<string | null>(null);

  // While a run is queued or running, the list looks again every few seconds so its badge moves on by itself.
  const active = flows.value?.some((row) => row.lastRun?.status === 'queued' || row.lastRun?.status === 'running');
  useEffect(() => {
    if (!active) return;
    const timer = window.setTimeout(flows.reload, 3000);
    return () => window.clearTimeout(timer);
  }, [active, flows.value, flows.reload]);

  const runNow = async (row: FlowOverview) => {
    setError(null);
    try {
      await post(`/flows/${row.flow.id}/runs`);
      setNotice(`"${row.flow.name}" is running.`);
      flows.reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const togglePause = async (row: FlowOverview) => {
    setError(null);
    const schedule = { ...(row.flow.schedule ?? {}) } as Record<string, unknown>;
    const pausing = schedule.paused !== true;
    if (pausing) schedule.paused = true; else delete schedule.paused;
    try {
      await put(`/flows/${row.flow.id}`, { ...bodyOf(row.flow), schedule });
      setNotice(`"${row.flow.name}" is ${pausing ? 'paused' : 'scheduled again'}.`);
      flows.reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <section aria-labelledby="flows-title">
      <header className="page-header">
        <h1 id="flows-title">Flows</h1>
        {can('editor') && <Link className="button primary" to="/flows/new">New flow</Link>}
      </header>
      <MyInvitations />
      {notice && <div className="notice" role="status">{notice}</div>}
      {error && <ErrorBox message={error} />}
      {flows.loading && !flows.value && <Loading />}
      {flows.error && <ErrorBox message={flows.error} onRetry={flows.reload} />}
      {flows.value && flows.value.length === 0 && (
        can('editor') ? <FirstRunGuide /> : (
          <Empty title="No flows yet">
            <p>A flow reads your apps, shapes the rows and keeps a spreadsheet, workbook or table up to date.</p>
            <p>An editor of this workspace builds them; you see them here once they exist.</p>
          </Empty>
        )
      )}
      {flows.value && flows.value.length > 0 && (
        <div className="table-wrap">
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">Status</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
                <th scope="col" className="num">Rows</th>
                <th scope="col"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {flows.value.map((row) => {
                const paused = row.flow.schedule?.paused === true;
                const rows = row.lastRun?.destinations?.[0]?.rowsWritten;
                return (
                  <tr key={row.flow.id} data-flow={row.flow.name}>
                    <td>
                      <Link to={`/flows/${row.flow.id}`} className="strong">{row.flow.name}</Link>
                      <div className="muted">{describeSchedule(row.flow.schedule)}</div>
                    </td>
                    <td>
                      <StatusBadge status={row.lastRun?.status ?? 'never'} />
                      {paused && <> <StatusBadge status="paused" /></>}
                    </td>
                    <td data-label="Last run">{row.lastRun ? <RelativeTime iso={row.lastRun.endedAt ?? row.lastRun.createdAt} /> : '—'}</td>
                    <td data-label="Next run">{paused ? 'Paused' : row.nextRunAt ? <RelativeTime iso={row.nextRunAt} /> : '—'}</td>
                    <td className="num" data-label="Rows">{formatCount(rows)}</td>
                    <td className="actions">
                      {can('editor') && <>
                      <button type="button" className="button small" onClick={() => runNow(row)}
                        disabled={row.lastRun?.status === 'running' || row.lastRun?.status === 'queued'}>Run now</button>
                      {row.flow.schedule && (
                        <button type="button" className="button small" onClick={() => togglePause(row)}>
                          {paused ? 'Resume' : 'Pause'}
                        </button>
                      )}
                      <Link className="button small" to={`/flows/${row.flow.id}/edit`}>Edit</Link>
                      </>}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
