import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Connection, get, messageOf, post } from '../api';
import { ErrorBox } from './ui';

/** The sample source shipped with Rowflow: made-up deals and orders, no account needed. */
export const SAMPLE_CONNECTOR = 'sample-data';

/** The path from an empty workspace to a first scheduled flow, in the order the builder asks for it. */
export const FIRST_RUN_STEPS = [
  { title: 'Pick a source', text: 'An app such as HubSpot or Jira, a CSV or JSON address, or the sample data.' },
  { title: 'Connect it', text: 'Sign in or paste a key once; Rowflow keeps it encrypted and never shows it again.' },
  { title: 'Preview and shape', text: 'See the first rows at once; rename, filter, calculate and summarize them.' },
  { title: 'Choose a destination', text: 'A Google Sheet, an Excel workbook, or a published CSV/JSON address for BI tools.' },
  { title: 'Schedule it', text: 'Every hour, every morning at 8 in your time zone…, and run it once now.' },
];

/**
 * What an editor sees in a workspace without flows: the five steps of a first flow, a way to start, and a try-out on
 * sample data that needs no account (its connection is made once, then reused).
 */
export function FirstRunGuide() {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const trySample = async () => {
    setBusy(true);
    setError(null);
    try {
      const existing = (await get<Connection[]>('/connections')).find((c) => c.connectorId === SAMPLE_CONNECTOR);
      const sample = existing ?? await post<Connection>('/connections', { name: 'Sample data', connectorId: SAMPLE_CONNECTOR, config: {} });
      navigate(`/flows/new?${new URLSearchParams({ connection: sample.id, stream: 'deals', name: 'Sample deals' })}`);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  return (
    <section className="first-run card" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Your first flow, in five steps</h2>
      <p className="muted">A flow reads your apps, shapes the rows and keeps a spreadsheet, workbook or table up to date.</p>
      <ol className="first-run-steps">
        {FIRST_RUN_STEPS.map((step) => (
          <li key={step.title}><strong>{step.title}</strong><span>{step.text}</span></li>
        ))}
      </ol>
      {error && <ErrorBox message={error} />}
      <div className="row">
        <Link className="button primary" to="/flows/new">Build your first flow</Link>
        <button type="button" className="button" onClick={trySample} disabled={busy}>
          {busy ? 'Preparing the sample…' : 'Try it with sample data'}
        </button>
      </div>
      <p className="hint">The sample holds made-up deals and orders: nothing to sign in to, and you can delete it later.</p>
    </section>
  );
}
