import { describe, expect, it } from 'vitest';
import { Flow, Run } from '../api';
import { errorLinks, stepName, timeline } from './FlowRuns';

const flow = {
  id: 'f', name: 'Deals', createdAt: '', updatedAt: '',
  sources: [{ connectionId: 'a' }, { connectionId: 'b' }],
  destinations: [{ type: 'excel', settings: {} }],
} as Flow;

function run(change: Partial<Run>): Run {
  return { id: 'r', flowId: 'f', status: 'running', trigger: 'manual', scheduledFor: null, createdAt: '', startedAt: '',
    endedAt: null, durationMillis: null, unchanged: false, sources: null, destinations: null, error: null, ...change };
}

describe('run timeline', () => {
  it('marks every step done with its figures when the run succeeded', () => {
    const steps = timeline(run({ status: 'succeeded',
      sources: [{ index: 0, connectionId: 'a', connectorId: 'hubspot', rowsRead: 1200 }, { index: 1, connectionId: 'b', connectorId: 'jira', rowsRead: 3 }],
      destinations: [{ index: 0, type: 'excel', rowsWritten: 1203, apiCalls: null }] }), flow);
    expect(steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(steps[0].detail).toBe(`${(1200).toLocaleString()} rows`);
    expect(steps[3].label).toBe('Write Excel');
  });

  it('names a destination step as the catalog names the destination kind', () => {
    const kinds = [{ id: 'excel', name: 'Excel workbook (.xlsx)' }, { id: 'google-sheets', name: 'Google Sheets' }];
    const two = { ...flow, destinations: [{ type: 'google-sheets', settings: {} }, { type: 'excel', settings: {} }] } as Flow;
    expect(timeline(run({}), two, kinds).slice(-2).map((s) => s.label)).toEqual(['Write Google Sheets', 'Write Excel workbook (.xlsx)']);
    // Before the catalog is read, or for a kind it does not list: the id in words, never "Write google-sheets".
    expect(timeline(run({}), two).slice(-2).map((s) => s.label)).toEqual(['Write Google Sheets', 'Write Excel']);
  });

  it('marks the failed step, the ones before it done and the ones after it not reached', () => {
    const steps = timeline(run({ status: 'failed', error: { step: 'extract source 2 (jira)', message: 'Jira refused', upstreamMessage: null } }), flow);
    expect(steps.map((s) => s.state)).toEqual(['done', 'failed', 'waiting', 'waiting']);
    const transform = timeline(run({ status: 'failed', error: { step: 'transform', message: 'x', upstreamMessage: null } }), flow);
    expect(transform.map((s) => s.state)).toEqual(['done', 'done', 'failed', 'waiting']);
  });

  it('shows a running run on its first step and a queued one waiting', () => {
    expect(timeline(run({}), flow).map((s) => s.state)).toEqual(['running', 'waiting', 'waiting', 'waiting']);
    expect(timeline(run({ status: 'queued' }), flow).every((s) => s.state === 'waiting')).toBe(true);
  });
});

describe('error links', () => {
  it('leads a refused sign-in to Connections without saying "reconnect the account" a second time', () => {
    const message = "Google no longer accepts this connection's sign-in (the refresh was refused): reconnect the account";
    const links = errorLinks({ step: 'write destination 1 (google-sheets)', message }, flow);
    expect(links).toEqual([{ to: '/connections', label: 'Open Connections' }]);
    const shown = [message, ...links.map((l) => l.label)].join(' ');
    expect(shown.match(/reconnect the account/g)).toHaveLength(1);
  });

  it('leads a source that could not be read to editing its connection', () => {
    expect(errorLinks({ step: 'extract source 2 (csv-url)', message: 'The file at … was not found (HTTP 404)' }, flow))
      .toEqual([{ to: '/connections/b?edit=1', label: 'Edit the connection' }]);
    expect(errorLinks({ step: 'extract source 1 (hubspot)', message: 'HubSpot refused the token: reconnect the account' }, flow))
      .toEqual([{ to: '/connections/a', label: 'Open Connections' }]);
    expect(stepName('extract source 2 (csv-url)')).toBe('Read source 2');
    expect(stepName('write destination 1 (excel)')).toBe('Write destination 1');
  });

  it('leads a failed transform to the flow editor', () => {
    expect(errorLinks({ step: 'transform', message: 'x' }, flow)).toEqual([{ to: '/flows/f/edit', label: "Edit the flow's transform" }]);
  });
});
