import { FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import {
  ApiError, Connection, ConnectorDescriptor, Destination, EmptiedValues, Flow, FlowBody, Preview, Run, Source, WriterDescriptor, api,
  get, messageOf, post, put, Step as ApiStep,
} from '../api';
import { DestinationsPanel } from '../builder/DestinationsPanel';
import { SourcePickers, flowPickers } from '../builder/SourcePickers';
import { SchedulePanel } from '../builder/SchedulePanel';
import { TransformPanel } from '../builder/TransformPanel';
import {
  Column, ScheduleForm, TransformPanel as Panel, columnsNamedBy, defaultSchedule, emptyPanel, panelFrom, panelSteps, parametersOf,
  parametersText, scheduleForm, scheduleOf, Step,
} from '../builder/model';
import { ConnectDialog } from '../components/ConnectDialog';
import { PreviewTable } from '../components/PreviewTable';
import { Empty, ErrorBox, Loading, formatCount } from '../components/ui';
import { useCan, useRoleKnown } from '../components/Role';
import { useUnsavedChanges } from '../components/UnsavedChanges';
import { fieldName, shownBesideItsField } from '../builder/fieldNames';

interface Catalog {
  connectors: ConnectorDescriptor[];
  writers: WriterDescriptor[];
  connections: Connection[];
}

interface Combine {
  type: 'append' | 'join';
  joins: { kind: string; left: string; right: string }[];
}

/** The join of source {@code index + 1} onto those before it; a left join with no keys yet until the user sets one. */
function joinAt(combine: Combine, index: number): Combine['joins'][number] {
  return combine.joins[index] ?? { kind: 'left', left: '', right: '' };
}

/** What the base columns depend on: the sources and how they are combined. */
const baseKey = (sources: Source[], combine: Combine) => JSON.stringify([sources.map((s) => [s.connectionId, s.stream ?? null,
  s.parameters ?? null]), sources.length > 1 ? combine : null]);

/**
 * The base columns of a flow's last preview in this browser, so that editing it shows the transform on all its columns
 * at once; null when there was none or the sources changed since.
 */
function rememberedColumns(flowId: string, key: string): Column[] | null {
  try {
    const stored = JSON.parse(window.localStorage.getItem('rowflow.columns.' + flowId) ?? 'null');
    return stored && stored.key === key && Array.isArray(stored.columns) ? stored.columns : null;
  } catch {
    return null;
  }
}

function rememberColumns(flowId: string, key: string, columns: Column[]) {
  try {
    window.localStorage.setItem('rowflow.columns.' + flowId, JSON.stringify({ key, columns }));
  } catch {
    // Storage full or turned off: the next edit reads the columns from the steps instead.
  }
}

const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

function combineOf(transform: FlowBody['transform']): Combine {
  const combine = transform?.combine as { type?: string; joins?: { kind: string; on: { left: string; right: string }[] }[] } | undefined;
  if (combine?.type === 'join') {
    return { type: 'join', joins: (combine.joins ?? []).map((j) => ({ kind: j.kind, left: j.on?.[0]?.left ?? '', right: j.on?.[0]?.right ?? '' })) };
  }
  return { type: 'append', joins: [] };
}

/**
 * What a refused save says above the form: each error under the name the user sees, once; those already shown beside
 * their field are only pointed to.
 */
function saveMessage(error: ApiError | string, settingTitle: (destination: number, setting: string) => string | undefined): string {
  if (typeof error === 'string') return error;
  if (error.errors.length === 0) return error.message;
  const elsewhere = [...new Set(error.errors.filter((e) => !shownBesideItsField(e.field))
    .map((e) => `${fieldName(e.field, settingTitle)}: ${e.message}`))];
  const beside = error.errors.some((e) => shownBesideItsField(e.field));
  return [...elsewhere, ...(beside ? ['Fix the fields marked below.'] : [])].join(' · ');
}

export default function FlowBuilder() {
  const { id } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [sources, setSources] = useState<Source[]>([{ connectionId: '' }]);
  const [combine, setCombine] = useState<Combine>({ type: 'append', joins: [] });
  /** The base stage's columns as the last preview read them; the live preview of the result needs them. */
  const [baseColumns, setBaseColumns] = useState<Column[] | null>(null);
  /** The columns the transform panel is drawn on: the preview's, remembered ones, or those the saved steps name. */
  const [panelColumns, setPanelColumns] = useState<Column[] | null>(null);
  const [panel, setPanelState] = useState<Panel>(emptyPanel([]));
  /** Until the user changes the panel, a saved flow's steps are saved back exactly as they were. */
  const [panelEdited, setPanelEdited] = useState(false);
  /** The panel's columns are only those the saved steps name (no preview in this browser yet). */
  const [columnsFromSteps, setColumnsFromSteps] = useState(false);
  const [savedSteps, setSavedSteps] = useState<Record<string, unknown>[]>([]);
  const [destinations, setDestinations] = useState<Destination[]>([{ type: 'excel', settings: {} }]);
  const [schedule, setSchedule] = useState<ScheduleForm>(defaultSchedule(localZone));
  const [sourcePreviews, setSourcePreviews] = useState<Record<number, Preview | string | 'loading'>>({});
  const [result, setResult] = useState<Preview | string | 'loading' | null>(null);
  const [formulaErrors, setFormulaErrors] = useState<Record<number, string>>({});
  const [saveError, setSaveError] = useState<ApiError | string | null>(null);
  const [saving, setSaving] = useState(false);
  const [connectingFor, setConnectingFor] = useState<number | null>(null);
  const loadedFlow = useRef<Flow | null>(null);
  const can = useCan();
  const roleKnown = useRoleKnown();

  // The catalog, the connections and, when editing, the flow.
  useEffect(() => {
    Promise.all([
      get<ConnectorDescriptor[]>('/connectors'), get<WriterDescriptor[]>('/destinations'), get<Connection[]>('/connections'),
      id ? get<Flow>(`/flows/${id}`) : Promise.resolve(null),
    ]).then(([connectors, writers, connections, flow]) => {
      setCatalog({ connectors, writers, connections });
      if (flow) {
        loadedFlow.current = flow;
        setName(flow.name);
        setSources(flow.sources);
        setCombine(combineOf(flow.transform));
        const steps = (flow.transform?.steps ?? []) as Step[];
        setSavedSteps(steps);
        if (steps.length > 0) {
          // The saved transform is shown at once; the source is read only when the user previews.
          const remembered = rememberedColumns(flow.id, baseKey(flow.sources, combineOf(flow.transform)));
          const columns = remembered ?? columnsNamedBy(steps);
          setPanelColumns(columns);
          setColumnsFromSteps(!remembered);
          setPanelState(panelFrom(columns, steps, !remembered));
        }
        setDestinations(flow.destinations.map((d) => ({ type: d.type, settings: d.settings ?? {} })));
        setSchedule(scheduleForm(flow.schedule, localZone));
      } else {
        // A new flow may arrive with its source chosen (the first-run guide's sample data).
        const connection = search.get('connection');
        if (connection && connections.some((c) => c.id === connection)) {
          setSources([{ connectionId: connection, stream: search.get('stream') }]);
          setName(search.get('name') ?? '');
        }
      }
    }, (e) => setLoadError(messageOf(e)));
  }, [id]);

  // Unsaved changes: what the user can change, against how it stood once loaded (the panel has its own mark, since
  // redrawing it on the columns a preview read is not a change).
  const snapshot = catalog ? JSON.stringify([name, sources, combine, destinations, schedule]) : null;
  const loadedSnapshot = useRef<string | null>(null);
  useEffect(() => {
    if (snapshot !== null && loadedSnapshot.current === null) loadedSnapshot.current = snapshot;
  }, [snapshot]);
  const unsaved = loadedSnapshot.current !== null && (snapshot !== loadedSnapshot.current || panelEdited);
  const markUnsaved = useUnsavedChanges(unsaved);

  // A refused save's errors go once the user changes what they were about, rather than stay after the fix.
  const editedKey = JSON.stringify([snapshot, panel]);
  const keyAtError = useRef<string | null>(null);
  useEffect(() => {
    if (saveError && keyAtError.current !== null && keyAtError.current !== editedKey) {
      setSaveError(null);
      keyAtError.current = null;
    }
  }, [editedKey]);

  const baseStage = sources.length > 1 ? 'transform.combine' : 'sources[0]';

  const body = (steps?: Record<string, unknown>[]): FlowBody => {
    const transform: NonNullable<FlowBody['transform']> = {};
    if (sources.length > 1) {
      transform.combine = combine.type === 'join'
        ? { type: 'join', joins: sources.slice(1).map((_, i) => {
          const join = joinAt(combine, i);
          return { kind: join.kind as 'inner' | 'left' | 'full', on: [{ left: join.left, right: join.right }] };
        }) }
        : { type: 'append', sourceColumn: 'source' };
    }
    // The panel builds its steps field by field; the server checks each against its step type (Step).
    transform.steps = (steps ?? (panelColumns && (panelEdited || savedSteps.length === 0) ? panelSteps(panelColumns, panel).steps
      : savedSteps)) as ApiStep[];
    return {
      ...(loadedFlow.current ? { runAfter: loadedFlow.current.runAfter, timeout: loadedFlow.current.timeout,
        onlyIfChanged: loadedFlow.current.onlyIfChanged, retries: loadedFlow.current.retries,
        emptyResult: loadedFlow.current.emptyResult } : {}),
      name: name.trim() || 'Untitled flow',
      sources: sources.map((s) => ({ ...s, stream: s.stream || null })),
      transform,
      destinations,
      schedule: scheduleOf(schedule),
    };
  };

  /** A stage of the flow as edited (the result when {@code step} is absent); nothing is saved. */
  const preview = (step: string | null, flow: FlowBody) => api<Preview>('/flows/preview' + (step ? `?step=${encodeURIComponent(step)}` : ''),
    { method: 'POST', body: flow });

  /**
   * Reads the base stage's columns and draws the panel on them: the panel as it is (it may have been drawn on the
   * columns the steps name, or on other sources) is turned into steps and back onto the columns read.
   */
  const loadBase = async () => {
    const base = await preview(baseStage, body([]));
    setBaseColumns(base.columns);
    if (id) rememberColumns(id, baseKey(sources, combine), base.columns);
    const same = panelColumns !== null && JSON.stringify(panelColumns) === JSON.stringify(base.columns);
    if (!same) {
      setPanelState((current) => (panelColumns === null ? emptyPanel(base.columns)
        : panelFrom(base.columns, panelSteps(panelColumns, current).steps)));
    }
    // The very same array as baseColumns: the live preview of the result runs when the panel is drawn on them.
    setPanelColumns(base.columns);
    setColumnsFromSteps(false);
    return base;
  };

  const setPanel = (next: Panel) => {
    setPanelState(next);
    setPanelEdited(true);
  };

  const previewSource = async (index: number) => {
    setSourcePreviews((p) => ({ ...p, [index]: 'loading' }));
    try {
      const sourcePreview = await preview(`sources[${index}]`, body([]));
      setSourcePreviews((p) => ({ ...p, [index]: sourcePreview }));
      if (baseColumns === null && (sources.length === 1 || index === sources.length - 1)) await loadBase();
    } catch (e) {
      setSourcePreviews((p) => ({ ...p, [index]: messageOf(e) }));
    }
  };

  // The result, previewed again shortly after each change of the transform (sources are cached by the server).
  const steps = useMemo(() => (baseColumns && panelColumns === baseColumns ? panelSteps(baseColumns, panel, true) : null),
    [baseColumns, panelColumns, panel]);
  const stepsKey = JSON.stringify(steps?.steps);
  useEffect(() => {
    if (!steps) return;
    const timer = window.setTimeout(async () => {
      setResult('loading');
      try {
        setResult(await preview(null, body(steps.steps)));
        setFormulaErrors({});
      } catch (e) {
        const errors: Record<number, string> = {};
        if (e instanceof ApiError) {
          steps.formulaIndex.forEach((stepIndex, formula) => {
            const message = stepIndex >= 0 ? e.field(`transform.steps[${stepIndex}]`) : undefined;
            if (message) errors[formula] = message;
          });
        }
        setFormulaErrors(errors);
        setResult(messageOf(e));
      }
    }, 500);
    return () => window.clearTimeout(timer);
  }, [stepsKey]);

  const save = async (run: boolean) => {
    setSaving(true);
    setSaveError(null);
    try {
      const flow = id ? await put<Flow>(`/flows/${id}`, body()) : await post<Flow>('/flows', body());
      if (baseColumns) rememberColumns(flow.id, baseKey(sources, combine), baseColumns);
      markUnsaved(false);
      if (run) {
        const started = await post<Run>(`/flows/${flow.id}/runs`);
        navigate(`/flows/${flow.id}/runs/${started.id}`);
      } else {
        navigate(`/flows/${flow.id}`);
      }
    } catch (e) {
      setSaveError(e instanceof ApiError ? e : messageOf(e));
      keyAtError.current = editedKey;
    } finally {
      setSaving(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Only the builder's own submit saves (a dialog's form is its own, see Dialog).
    if (e.target !== e.currentTarget) return;
    save(false);
  };

  if (roleKnown && !can('editor')) {
    return (
      <Empty title="Only editors build flows">
        <p>Your role in this workspace lets you see flows and their runs. An admin can make you an editor in Settings.</p>
        <Link to={id ? `/flows/${id}` : '/flows'}>{id ? 'Back to the flow' : 'Back to your flows'}</Link>
      </Empty>
    );
  }
  if (loadError) return <ErrorBox message={loadError} onRetry={() => window.location.reload()} />;
  if (!catalog) return <Loading />;

  const apiError = saveError instanceof ApiError ? saveError : null;
  const setSource = (index: number, change: Partial<Source>) => {
    setSources((all) => all.map((s, i) => (i === index ? { ...s, ...change } : s)));
    setSourcePreviews((p) => {
      const { [index]: _dropped, ...rest } = p;
      return rest;
    });
    if (change.connectionId !== undefined || change.stream !== undefined) {
      setBaseColumns(null);
      setResult(null);
    }
  };

  return (
    <form className="builder" onSubmit={submit} aria-labelledby="builder-title" noValidate>
      <header className="page-header">
        <h1 id="builder-title">{id ? 'Edit flow' : 'New flow'}</h1>
        <div className="row">
          <Link className="button" to={id ? `/flows/${id}` : '/flows'}>Cancel</Link>
          <button type="submit" className="button" disabled={saving}>Save</button>
          <button type="button" className="button primary" disabled={saving} onClick={() => save(true)}>
            {saving ? 'Saving…' : 'Save and run'}
          </button>
        </div>
      </header>
      {saveError && (
        <ErrorBox message={saveMessage(saveError, (d, setting) => catalog.writers.find((w) => w.id === destinations[d]?.type)
          ?.configSchema.properties?.[setting]?.title)} />
      )}

      <section className="card" aria-labelledby="name-title">
        <h2 id="name-title">1. Name</h2>
        <div className={'field' + (apiError?.field('name') ? ' has-error' : '')}>
          <label htmlFor="flow-name">Flow name</label>
          <input id="flow-name" required value={name} placeholder="e.g. Deals report" onChange={(e) => setName(e.target.value)} />
          {apiError?.field('name') && <small className="field-error">{apiError.field('name')}</small>}
        </div>
      </section>

      <section className="card" aria-labelledby="sources-title">
        <h2 id="sources-title">2. Sources</h2>
        {sources.map((source, index) => {
          const connection = catalog.connections.find((c) => c.id === source.connectionId);
          const connector = catalog.connectors.find((c) => c.id === connection?.connectorId);
          const sourcePreview = sourcePreviews[index];
          return (
            <div className="source" key={index} data-testid={`source-${index}`}>
              <div className="row wrap">
                <div className={'field' + (apiError?.field(`sources[${index}].connectionId`) ? ' has-error' : '')}>
                  <label htmlFor={`source-${index}-connection`}>Connection</label>
                  <select id={`source-${index}-connection`} value={source.connectionId}
                    onChange={(e) => setSource(index, { connectionId: e.target.value, stream: null })}>
                    <option value="">Choose…</option>
                    {/* Only what a source can read: a destination's account (no source of its type) is left out. */}
                    {catalog.connections.filter((c) => c.id === source.connectionId
                      || catalog.connectors.some((k) => k.id === c.connectorId)).map((c) => (
                      <option key={c.id} value={c.id}>{c.name}</option>
                    ))}
                  </select>
                  {apiError?.field(`sources[${index}].connectionId`) && (
                    <small className="field-error">Choose a connection, or make one with New connection.</small>
                  )}
                </div>
                <button type="button" className="button small" onClick={() => setConnectingFor(index)}>New connection</button>
                {connector && connector.streams.length > 0 && (
                  <div className="field">
                    <label htmlFor={`source-${index}-stream`}>Data</label>
                    <select id={`source-${index}-stream`} value={source.stream ?? ''} onChange={(e) => setSource(index, { stream: e.target.value })}>
                      <option value="">Choose…</option>
                      {connector.streams.map((s) => <option key={s} value={s}>{s.replace(/_/g, ' ')}</option>)}
                    </select>
                  </div>
                )}
                {connector && source.stream && connector.incrementalStreams.includes(source.stream) && (
                  <div className="field">
                    <label htmlFor={`source-${index}-sync`}>Read</label>
                    <select id={`source-${index}-sync`} value={source.sync ?? 'full'} onChange={(e) => setSource(index, { sync: e.target.value })}>
                      <option value="full">everything, each run</option>
                      <option value="incremental">only what changed since the last run</option>
                    </select>
                  </div>
                )}
                {sources.length > 1 && (
                  <button type="button" className="button small danger" onClick={() => {
                    setSources((all) => all.filter((_, i) => i !== index));
                    setBaseColumns(null);
                  }}>Remove</button>
                )}
              </div>
              <details className="parameters" open={!!source.parameters && Object.keys(source.parameters).length > 0}>
                <summary>Settings for this flow</summary>
                {connection && (
                  <SourcePickers index={index} connection={connection} pickers={flowPickers(connector)}
                    parameters={(source.parameters ?? {}) as Record<string, unknown>}
                    onChange={(parameters) => setSource(index, { parameters: Object.keys(parameters).length ? parameters : null })} />
                )}
                <div className="field">
                  <label htmlFor={`source-${index}-parameters`}>Override the connection's settings</label>
                  {/* Drawn again when a picker above changes the settings, so its text never brings back old ones. */}
                  <textarea key={parametersText(source.parameters)} id={`source-${index}-parameters`} rows={2} className="mono"
                    aria-invalid={apiError?.field(`sources[${index}].parameters`) ? true : undefined}
                    placeholder={'since: {{7daysago}}'} defaultValue={parametersText(source.parameters)}
                    onBlur={(e) => setSource(index, { parameters: parametersOf(e.target.value) })} />
                  <small className="hint">
                    One <code>name: value</code> a line. Dates can move with each run: {'{{today}}'}, {'{{yesterday}}'},
                    {' {{7daysago}}'}, {'{{startofmonth}}'}, or with a pattern, {'{{yesterday:dd.MM.yyyy}}'}.
                  </small>
                  {apiError?.field(`sources[${index}].parameters`) && (
                    <small className="field-error">{apiError.field(`sources[${index}].parameters`)}</small>
                  )}
                </div>
              </details>
              <div className="row">
                <button type="button" className="button small" disabled={!source.connectionId || sourcePreview === 'loading'}
                  onClick={() => previewSource(index)}>
                  {sourcePreview === 'loading' ? 'Reading…' : 'Preview'}
                </button>
              </div>
              {sourcePreview === 'loading' && <Loading label="Reading the first rows…" />}
              {typeof sourcePreview === 'string' && sourcePreview !== 'loading' && <ErrorBox message={sourcePreview} />}
              {sourcePreview && typeof sourcePreview === 'object' && (
                <PreviewTable preview={sourcePreview} caption={`${connection?.name ?? 'Source'}${source.stream ? ' · ' + source.stream : ''}`} />
              )}
            </div>
          );
        })}
        <button type="button" className="button small" onClick={() => { setSources((all) => [...all, { connectionId: '' }]); setBaseColumns(null); }}>
          Add another source
        </button>
        {sources.length > 1 && (
          <fieldset className="group">
            <legend>Combine the sources</legend>
            <label className="inline">
              <input type="radio" name="combine" checked={combine.type === 'append'} onChange={() => { setCombine({ ...combine, type: 'append' }); setBaseColumns(null); }} />
              Stack their rows (append)
            </label>
            <label className="inline">
              <input type="radio" name="combine" checked={combine.type === 'join'} onChange={() => { setCombine({ ...combine, type: 'join' }); setBaseColumns(null); }} />
              Match rows by a key (join)
            </label>
            {combine.type === 'join' && sources.slice(1).map((_, i) => {
              const join = joinAt(combine, i);
              const setJoin = (change: Partial<typeof join>) => {
                const joins = sources.slice(1).map((__, j) => joinAt(combine, j));
                joins[i] = { ...join, ...change };
                setCombine({ ...combine, joins });
                setBaseColumns(null);
              };
              return (
                <div className="row wrap" key={i}>
                  <select aria-label={`Join ${i + 1} kind`} value={join.kind} onChange={(e) => setJoin({ kind: e.target.value })}>
                    <option value="left">keep every row of the left side</option>
                    <option value="inner">keep matching rows only</option>
                    <option value="full">keep every row of both</option>
                  </select>
                  <input aria-label={`Join ${i + 1} left key`} placeholder="left key column" value={join.left} onChange={(e) => setJoin({ left: e.target.value })} />
                  <span>=</span>
                  <input aria-label={`Join ${i + 1} right key`} placeholder={`source ${i + 2} key column`} value={join.right} onChange={(e) => setJoin({ right: e.target.value })} />
                </div>
              );
            })}
          </fieldset>
        )}
      </section>

      <section className="card" aria-labelledby="transform-title">
        <h2 id="transform-title">3. Transform</h2>
        {!panelColumns ? (
          <div className="row">
            <p className="muted">Preview the data to rename, reorder, filter and calculate columns.</p>
            <button type="button" className="button small" disabled={sources.some((s) => !s.connectionId)}
              onClick={() => loadBase().catch((e) => setResult(messageOf(e)))}>Load columns</button>
          </div>
        ) : (
          <>
            {!baseColumns && (
              <div className="row">
                <p className="muted" id="transform-columns-note">
                  {columnsFromSteps
                    ? 'Your saved steps are shown with the columns they use. Preview to see every column of the source and the result.'
                    : 'Preview to see the result of these steps.'}
                </p>
                <button type="button" className="button small" disabled={sources.some((s) => !s.connectionId)}
                  onClick={() => loadBase().catch((e) => setResult(messageOf(e)))}>Preview the result</button>
              </div>
            )}
            <TransformPanel columns={panelColumns} panel={panel} onChange={setPanel} serverErrors={formulaErrors} />
          </>
        )}
        <div className="result" aria-live="polite">
          {result === 'loading' && <Loading label="Previewing the result…" />}
          {typeof result === 'string' && result !== 'loading' && <ErrorBox message={result} />}
          {result && typeof result === 'object' && <EmptiedNotice emptied={result.emptied ?? []} />}
          {result && typeof result === 'object' && <PreviewTable preview={result} caption="Result" />}
        </div>
      </section>

      <section className="card" aria-labelledby="destinations-title">
        <h2 id="destinations-title">4. Destinations</h2>
        <DestinationsPanel destinations={destinations} onChange={setDestinations} writers={catalog.writers}
          connections={catalog.connections} error={apiError} flowId={id}
          onConnectionAdded={(c) => setCatalog({ ...catalog, connections: [...catalog.connections, c] })} />
      </section>

      <section className="card" aria-labelledby="schedule-title">
        <h2 id="schedule-title">5. Schedule</h2>
        <SchedulePanel form={schedule} onChange={setSchedule} />
      </section>

      {connectingFor !== null && (
        <ConnectDialog only={catalog.connectors.map((k) => k.id)} onClose={() => setConnectingFor(null)} onConnected={(c) => {
          setCatalog((current) => current && { ...current, connections: [...current.connections.filter((x) => x.id !== c.id), c] });
          setSource(connectingFor, { connectionId: c.id, stream: null });
          setConnectingFor(null);
        }} />
      )}
    </form>
  );
}

/**
 * Says how many values a type conversion left empty, so that a conversion never blanks data unsaid, and how to stop it
 * (the conversion's own "fail the run" choice).
 */
export function EmptiedNotice({ emptied }: { emptied: EmptiedValues[] }) {
  if (emptied.length === 0) return null;
  return (
    <div className="notice warning" role="status">
      {emptied.map((e) => (
        <p key={e.step + e.column}>
          <strong>{formatCount(e.values)} {e.values === 1 ? 'value' : 'values'} of “{e.column}” could not be read as {e.to}</strong>
          {' '}and {e.values === 1 ? 'is' : 'are'} left empty
          {e.examples.length > 0 && <>, for example {e.examples.map((x) => `“${x}”`).join(', ')}</>}.
          {' '}Choose another type for the column, or set it to fail the run on such values.
        </p>
      ))}
    </div>
  );
}
