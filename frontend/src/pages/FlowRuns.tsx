import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Flow, LogLine, Run, RunEvent, RunPage, bodyOf, del, get, messageOf, post, put } from '../api';
import { describeSchedule } from '../builder/model';
import { FlowDestinations } from './FlowDestinations';
import { useCan } from '../components/Role';
import { catalogName, useDestinationKinds } from '../components/catalog';
import { triggerLabel } from '../components/labels';
import { Empty, ErrorBox, Loading, RelativeTime, StatusBadge, formatCount, formatDuration, formatTime, useLoad } from '../components/ui';

const PAGE_SIZE = 20;

/** A flow's run history, and the run picked in it: its steps, its log and, while it runs, its live progress. */
export default function FlowRuns() {
  const { id, runId } = useParams();
  const navigate = useNavigate();
  const [page, setPage] = useState(0);
  const flow = useLoad((signal) => get<Flow>(`/flows/${id}`, signal), [id]);
  const runs = useLoad((signal) => get<RunPage>(`/flows/${id}/runs?page=${page}&size=${PAGE_SIZE}`, signal), [id, page]);
  const [error, setError] = useState<string | null>(null);
  const can = useCan();

  const runNow = async () => {
    setError(null);
    try {
      const run = await post<Run>(`/flows/${id}/runs`);
      navigate(`/flows/${id}/runs/${run.id}`);
      runs.reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  /** A copy to change without touching this one; paused, so it does not write to the same places until it is edited. */
  const duplicate = async () => {
    if (!flow.value) return;
    setError(null);
    try {
      const copy = await post<Flow>('/flows', { ...bodyOf(flow.value), name: `Copy of ${flow.value.name}`,
        schedule: flow.value.schedule ? { ...flow.value.schedule, paused: true } : null });
      navigate(`/flows/${copy.id}/edit`);
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const remove = async () => {
    if (!flow.value || !window.confirm(`Delete the flow "${flow.value.name}" and its run history? Its destinations keep the data already written.`)) return;
    setError(null);
    try {
      await del(`/flows/${id}`);
      navigate('/flows', { state: { notice: `"${flow.value.name}" was deleted.` } });
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const resume = async () => {
    if (!flow.value?.schedule) return;
    const { paused: _paused, ...schedule } = flow.value.schedule;
    setError(null);
    try {
      await put(`/flows/${id}`, { ...bodyOf(flow.value), schedule });
      flow.reload();
    } catch (e) {
      setError(messageOf(e));
    }
  };

  const paused = flow.value?.schedule?.paused === true;
  const selected = runId ?? runs.value?.items[0]?.id;
  return (
    <section aria-labelledby="flow-title">
      <header className="page-header">
        <div>
          <h1 id="flow-title">{flow.value?.name ?? 'Flow'}</h1>
          {flow.value && <div className="muted">{describeSchedule(flow.value.schedule)}</div>}
        </div>
        {can('editor') && (
          <div className="row">
            <Link className="button" to={`/flows/${id}/edit`}>Edit</Link>
            <button type="button" className="button" onClick={duplicate} disabled={!flow.value}>Duplicate</button>
            <button type="button" className="button danger" onClick={remove} disabled={!flow.value}>Delete</button>
            <button type="button" className="button primary" onClick={runNow}>Run now</button>
          </div>
        )}
      </header>
      {paused && (
        <div className="notice paused" role="status">
          <strong>This flow is paused:</strong> it does not run on its schedule ({describeSchedule({ ...flow.value!.schedule, paused: false })}).
          {' '}Run now still runs it once.
          {can('editor') && <> <button type="button" className="button small" onClick={resume}>Resume the schedule</button></>}
        </div>
      )}
      {flow.error && <ErrorBox message={flow.error} onRetry={flow.reload} />}
      {error && <ErrorBox message={error} />}
      {id && <FlowDestinations flowId={id} version={runs.value} />}
      <div className="split">
        <div className="history">
          <h2>Runs</h2>
          {runs.loading && !runs.value && <Loading />}
          {runs.error && <ErrorBox message={runs.error} onRetry={runs.reload} />}
          {runs.value?.items.length === 0 && <Empty title="No runs yet"><p>Run the flow to fill its destinations.</p></Empty>}
          <ol className="runs">
            {runs.value?.items.map((run) => (
              <li key={run.id}>
                <Link to={`/flows/${id}/runs/${run.id}`} className={run.id === selected ? 'run active' : 'run'}
                  aria-current={run.id === selected ? 'true' : undefined}>
                  <StatusBadge status={run.status} />
                  <span><RelativeTime iso={run.createdAt} /></span>
                  <span className="muted">{triggerLabel(run.trigger)}</span>
                </Link>
              </li>
            ))}
          </ol>
          {runs.value && runs.value.total > PAGE_SIZE && (
            <div className="row">
              <button type="button" className="button small" disabled={page === 0} onClick={() => setPage(page - 1)}>Newer</button>
              <button type="button" className="button small" disabled={(page + 1) * PAGE_SIZE >= runs.value.total} onClick={() => setPage(page + 1)}>Older</button>
            </div>
          )}
        </div>
        <div className="detail">
          {selected && <RunDetail key={selected} runId={selected} flow={flow.value} onFinished={runs.reload} />}
        </div>
      </div>
    </section>
  );
}

interface TimelineStep {
  label: string;
  state: 'done' | 'running' | 'failed' | 'waiting';
  detail?: string;
}

/**
 * Where a failed run's error box leads. The message already gives the advice (the server's words, which API users and
 * notifications read too), so a link names only the page: "reconnect the account" is said once.
 */
export function errorLinks(error: { step: string; message: string }, flow: Flow | undefined): { to: string; label: string }[] {
  const links: { to: string; label: string }[] = [];
  const source = /^extract source (\d+)/.exec(error.step);
  const connectionId = source ? flow?.sources[Number(source[1]) - 1]?.connectionId : undefined;
  if (/reconnect/i.test(error.message)) {
    links.push({ to: connectionId ? `/connections/${connectionId}` : '/connections', label: 'Open Connections' });
  } else if (connectionId) {
    // A source that could not be read: its address or its key is where the fix usually is.
    links.push({ to: `/connections/${connectionId}?edit=1`, label: 'Edit the connection' });
  }
  if (error.step.startsWith('transform') && flow) links.push({ to: `/flows/${flow.id}/edit`, label: "Edit the flow's transform" });
  return links;
}

/** A failed step as the run's timeline names it ("Read source 1"), not as the server's log does. */
export function stepName(step: string): string {
  const source = /^extract source (\d+)/.exec(step);
  if (source) return `Read source ${source[1]}`;
  const destination = /^write destination (\d+)/.exec(step);
  if (destination) return `Write destination ${destination[1]}`;
  return step === 'transform' ? 'Transform' : step;
}

/**
 * The run's steps as the user thinks of them: read each source, transform, write each destination (named as the catalog's
 * destination kinds name it).
 */
export function timeline(run: Run, flow: Flow | undefined, destinationKinds?: { id: string; name: string }[]): TimelineStep[] {
  const steps: (TimelineStep & { key: string; hasStats: boolean })[] = [];
  (flow?.sources ?? []).forEach((_, i) => {
    const stats = run.sources?.find((s) => s.index === i);
    steps.push({ key: `extract source ${i + 1}`, label: `Read source ${i + 1}`, state: 'waiting', hasStats: !!stats,
      detail: stats ? `${formatCount(stats.rowsRead)} rows` : undefined });
  });
  steps.push({ key: 'transform', label: 'Transform', state: 'waiting', hasStats: !!run.destinations?.length });
  (flow?.destinations ?? []).forEach((d, i) => {
    const stats = run.destinations?.find((s) => s.index === i);
    steps.push({ key: `write destination ${i + 1}`, label: `Write ${catalogName(d.type, destinationKinds)}`, state: 'waiting',
      hasStats: !!stats, detail: stats ? `${formatCount(stats.rowsWritten)} rows${stats.apiCalls ? `, ${stats.apiCalls} API calls` : ''}` : undefined });
  });
  const failed = run.status === 'failed'
    ? steps.findIndex((s) => run.error?.step === s.key || run.error?.step?.startsWith(s.key + ' ')) : -1;
  const current = run.status === 'running' ? Math.max(0, steps.findIndex((s) => !s.hasStats)) : -1;
  return steps.map((s, i) => ({
    label: s.label,
    detail: s.detail,
    state: run.status === 'succeeded' || (failed >= 0 && i < failed) || (current >= 0 && i < current) ? 'done'
      : i === failed ? 'failed' : i === current ? 'running' : 'waiting',
  }));
}

function RunDetail({ runId, flow, onFinished }: { runId: string; flow?: Flow; onFinished: () => void }) {
  const can = useCan();
  const [run, setRun] = useState<Run | null>(null);
  const [log, setLog] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const destinationKinds = useDestinationKinds();

  useEffect(() => {
    let source: EventSource | null = null;
    let cancelled = false;
    const readLog = () => get<LogLine[]>(`/runs/${runId}/log`);
    Promise.all([get<Run>(`/runs/${runId}`), readLog()]).then(([r, lines]) => {
      if (cancelled) return;
      setRun(r);
      setLog(lines);
      if (r.status === 'queued' || r.status === 'running') {
        // Live progress: each event carries the run and its new log lines; the stream ends when the run does.
        source = new EventSource(`/api/v1/runs/${runId}/events`);
        let seen = lines.length;
        let first = true;
        source.onmessage = (message) => {
          const event = JSON.parse(message.data) as RunEvent;
          setRun(event.run);
          if (first) {
            // The first event repeats every line so far; keep only those not shown yet.
            setLog((current) => [...current, ...event.log.slice(seen)]);
            first = false;
          } else {
            setLog((current) => [...current, ...event.log]);
          }
          seen = Number.MAX_SAFE_INTEGER;
          if (!['queued', 'running'].includes(event.run.status)) {
            source?.close();
            onFinished();
            // Who was notified is logged just after the run ends: read the log once more a moment later.
            window.setTimeout(() => {
              if (!cancelled) readLog().then(setLog, () => undefined);
            }, 1500);
          }
        };
        source.onerror = () => {
          // Closed by the server at the end, or the connection dropped: read the run once more.
          source?.close();
          get<Run>(`/runs/${runId}`).then((latest) => { setRun(latest); onFinished(); }, () => undefined);
          readLog().then(setLog, () => undefined);
        };
      }
    }, (e) => setError(messageOf(e)));
    return () => {
      cancelled = true;
      source?.close();
    };
  }, [runId]);

  if (error) return <ErrorBox message={error} />;
  if (!run) return <Loading />;
  const rows = run.destinations?.[0]?.rowsWritten;
  return (
    <article className="card run-detail" aria-labelledby="run-title" data-testid="run-detail">
      <header className="row spread">
        <h2 id="run-title">Run of {formatTime(run.createdAt)}</h2>
        <StatusBadge status={run.status} />
      </header>
      <dl className="facts">
        <div><dt>Started</dt><dd>{triggerLabel(run.trigger)}</dd></div>
        <div><dt>Duration</dt><dd>{formatDuration(run.durationMillis)}</dd></div>
        <div><dt>Rows written</dt><dd data-testid="rows-written">{formatCount(rows)}</dd></div>
        {run.unchanged && <div><dt>Result</dt><dd>Unchanged since the last run: nothing written</dd></div>}
      </dl>
      {run.error && (
        <div className="error-box" role="alert">
          <strong>{stepName(run.error.step)} failed:</strong> {run.error.message}
          {run.error.upstreamMessage && <div className="muted">The app said: {run.error.upstreamMessage}</div>}
          {errorLinks(run.error, flow).map((link) => <div key={link.to}><Link to={link.to}>{link.label}</Link></div>)}
        </div>
      )}
      <ol className="timeline" aria-label="Steps">
        {timeline(run, flow, destinationKinds.value).map((step, i) => (
          <li key={i} className={'step ' + step.state}>
            <span className="dot" aria-hidden="true" />
            <span>{step.label}</span>
            <span className="sr-only">: {step.state}</span>
            {step.detail && <span className="muted"> · {step.detail}</span>}
          </li>
        ))}
      </ol>
      {(run.status === 'queued' || run.status === 'running') && can('editor') && (
        <button type="button" className="button small danger" onClick={() => post(`/runs/${run.id}/cancel`).catch((e) => setError(messageOf(e)))}>
          Cancel run
        </button>
      )}
      <details open={run.status !== 'succeeded'}>
        <summary>Log ({log.length} lines)</summary>
        <ol className="log mono">
          {log.map((line, i) => (
            <li key={i} className={'level-' + line.level.toLowerCase()}>
              <time dateTime={line.at}>{new Date(line.at).toLocaleTimeString()}</time> {line.message}
            </li>
          ))}
        </ol>
      </details>
    </article>
  );
}
