import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFormula, setFormulaFunctions, exactNumber, columnsNamedBy, conditionProblem, describeSchedule, emptyPanel, filterForm, filterStep, layoutOf, layoutProblems, move,
  panelFrom, panelSteps, parametersOf, parametersText, scheduleForm, scheduleOf, shapeSteps, defaultSchedule,
} from './model';

const columns = [
  { name: 'id', type: 'integer' },
  { name: 'dealname', type: 'text' },
  { name: 'amount', type: 'decimal' },
  { name: 'closedate', type: 'date' },
];

describe('shaping columns', () => {
  it('emits nothing for an untouched layout', () => {
    expect(shapeSteps(columns, layoutOf(columns))).toEqual([]);
  });

  it('converts, renames, then selects the kept columns in their new order', () => {
    let layout = layoutOf(columns);
    layout = move(layout, 2, 0); // amount first
    layout = layout.map((c) => (c.source === 'dealname' ? { ...c, name: 'Deal' } : c));
    layout = layout.map((c) => (c.source === 'closedate' ? { ...c, hidden: true } : c));
    layout = layout.map((c) => (c.source === 'id' ? { ...c, retype: 'text' } : c));
    expect(shapeSteps(columns, layout)).toEqual([
      { type: 'retype', column: 'id', to: 'text', onError: 'empty' },
      { type: 'rename', columns: { dealname: 'Deal' } },
      { type: 'select', columns: ['amount', 'id', 'Deal'] },
    ]);
  });

  it('names empty and repeated column names, and refuses hiding every column', () => {
    const layout = layoutOf(columns);
    layout[1] = { ...layout[1], name: 'ID' };
    layout[2] = { ...layout[2], name: ' ' };
    expect(layoutProblems(layout)).toEqual({ 1: '"ID" is already the name of another column', 2: 'A column needs a name' });
    expect(layoutProblems(layout.map((c) => ({ ...c, hidden: true })))).toEqual({ 0: 'Keep at least one column' });
  });

  it('moves within bounds only', () => {
    expect(move([1, 2, 3], 0, -1)).toEqual([1, 2, 3]);
    expect(move([1, 2, 3], 2, 0)).toEqual([3, 1, 2]);
  });
});

describe('filter builder', () => {
  it('types values by column and groups several conditions', () => {
    const step = filterStep({ match: 'any', conditions: [
      { column: 'amount', op: 'gte', value: '1000' },
      { column: 'dealname', op: 'in', value: 'Acme, Globex ,' },
      { column: 'closedate', op: 'last_days', days: '30' },
      { column: 'amount', op: 'between', value: '1', to: '5' },
    ] }, columns);
    expect(step).toEqual({ type: 'filter', where: { any: [
      { column: 'amount', op: 'gte', value: 1000 },
      { column: 'dealname', op: 'in', values: ['Acme', 'Globex'] },
      { column: 'closedate', op: 'last_days', days: 30 },
      { column: 'amount', op: 'between', from: 1, to: 5 },
    ] } });
  });

  it('leaves incomplete conditions out and explains them', () => {
    expect(conditionProblem({ column: 'amount', op: 'gt', value: 'lots' }, columns)).toBe('"lots" is not a number');
    expect(conditionProblem({ column: 'amount', op: 'contains', value: '1' }, columns)).toBe('"contains" does not apply to decimal values');
    expect(conditionProblem({ column: '', op: 'equals' }, columns)).toBe('Pick a column');
    expect(conditionProblem({ column: 'closedate', op: 'this_month' }, columns)).toBeNull();
    expect(filterStep({ match: 'all', conditions: [{ column: 'amount', op: 'gt', value: '' }] }, columns)).toBeNull();
  });

  it('reads a saved filter back into the form', () => {
    const step = filterStep({ match: 'all', conditions: [{ column: 'amount', op: 'gt', value: '10' }] }, columns)!;
    expect(step).toEqual({ type: 'filter', where: { column: 'amount', op: 'gt', value: 10 } });
    expect(filterForm(step)).toEqual({ match: 'all', conditions: [{ column: 'amount', op: 'gt', value: '10', to: undefined, days: undefined }] });
  });
});

describe('formula check', () => {
  // A stub of the server's list (GET /transform/functions), as the builder hands it over once loaded.
  beforeAll(() => setFormulaFunctions(['ROUND', 'IF', 'ISBLANK', 'UPPER'].map((name) => ({ name }))));
  afterAll(() => setFormulaFunctions(null));

  it('accepts columns by name or in brackets, functions and keywords', () => {
    expect(checkFormula('ROUND([amount] * 1.19, 2)', columns)).toEqual({ ok: true });
    expect(checkFormula("IF(amount > 100 AND NOT ISBLANK(dealname), 'big', \"small\")", columns)).toEqual({ ok: true });
  });

  it('points at the first mistake', () => {
    expect(checkFormula('[amout] * 2', columns)).toEqual({ ok: false, message: 'No column "amout" here', position: 1 });
    expect(checkFormula('ROUND(amount, 2', columns)).toMatchObject({ ok: false, message: 'A "(" is not closed' });
    expect(checkFormula('amount)', columns)).toMatchObject({ ok: false, position: 7 });
    expect(checkFormula('FOO(amount)', columns)).toMatchObject({ ok: false, message: 'No function FOO' });
    expect(checkFormula("'open", columns)).toMatchObject({ ok: false, position: 1 });
    expect(checkFormula('deal name', columns)).toMatchObject({ ok: false, message: 'No column "deal" here (names with spaces go in [ ])' });
  });

  it('takes the functions from the server: any name passes until they have loaded', () => {
    setFormulaFunctions(null);
    expect(checkFormula('FOO(amount)', columns)).toEqual({ ok: true });
    setFormulaFunctions([{ name: 'foo' }]);
    expect(checkFormula('FOO(amount)', columns)).toEqual({ ok: true });
    expect(checkFormula('ROUND(amount)', columns)).toMatchObject({ ok: false, message: 'No function ROUND' });
    setFormulaFunctions(['ROUND', 'IF', 'ISBLANK', 'UPPER'].map((name) => ({ name })));
  });
});

describe('the whole panel', () => {
  it('round-trips through the API steps', () => {
    const panel = emptyPanel(columns);
    panel.layout = panel.layout.map((c) => (c.source === 'dealname' ? { ...c, name: 'Deal' } : c.source === 'id' ? { ...c, hidden: true } : c));
    panel.filter = { match: 'all', conditions: [{ column: 'amount', op: 'gt', value: '0' }] };
    panel.formulas = [{ column: 'gross', expression: 'ROUND([amount] * 1.19, 2)' }];
    panel.groupBy = ['Deal'];
    panel.aggregates = [{ fn: 'sum', column: 'gross', as: '' }];
    panel.other = [{ type: 'limit', count: 10 }];
    const { steps, formulaIndex } = panelSteps(columns, panel);
    expect(steps.map((s) => s.type)).toEqual(['rename', 'select', 'filter', 'calculate', 'aggregate', 'limit']);
    expect(formulaIndex).toEqual([3]);
    expect(steps[4]).toEqual({ type: 'aggregate', groupBy: ['Deal'], aggregates: [{ function: 'sum', column: 'gross', as: 'sum_gross' }] });
    const back = panelFrom(columns, steps);
    expect(panelSteps(columns, back).steps).toEqual(steps);
    expect(back.layout.find((c) => c.source === 'id')?.hidden).toBe(true);
  });
});

describe('schedules', () => {
  it('builds a working-hours schedule and reads it back', () => {
    const form = { ...defaultSchedule('Europe/Berlin'), preset: 'every_30_minutes' as const, days: ['TUE', 'MON'],
      windowFrom: '08:00', windowTo: '18:00' };
    const schedule = scheduleOf(form)!;
    expect(schedule).toEqual({ preset: 'every_30_minutes', timezone: 'Europe/Berlin', daysOfWeek: ['MON', 'TUE'],
      window: { from: '08:00', to: '18:00' } });
    expect(scheduleOf(scheduleForm(schedule, 'UTC'))).toEqual(schedule);
    expect(describeSchedule(schedule)).toBe('Every 30 minutes on Mon, Tue, 08:00–18:00');
  });

  it('has no schedule for manual flows, times for daily ones', () => {
    expect(scheduleOf(defaultSchedule('UTC'))).toBeNull();
    expect(scheduleOf({ ...defaultSchedule('UTC'), preset: 'daily', times: '07:00, 13:30' }))
      .toEqual({ preset: 'daily', timezone: 'UTC', times: ['07:00', '13:30'] });
    expect(describeSchedule(null)).toBe('Manual only');
  });
});

describe('source parameters', () => {
  it('reads name: value lines, keeping colons in values and skipping blank lines', () => {
    const parameters = parametersOf('since: {{7daysago}}\n\n url : https://example.com/a?b=c:d \nnot a pair');
    expect(parameters).toEqual({ since: '{{7daysago}}', url: 'https://example.com/a?b=c:d' });
    expect(parametersOf(parametersText(parameters))).toEqual(parameters);
    expect(parametersOf('  \n')).toBeNull();
  });
});

describe('spreadsheet picker', async () => {
  const { spreadsheetIdOf } = await import('./DestinationsPanel');
  it('takes the id from a pasted URL or an id as it is', () => {
    expect(spreadsheetIdOf('https://docs.google.com/spreadsheets/d/1AbC_d-9/edit#gid=0')).toBe('1AbC_d-9');
    expect(spreadsheetIdOf(' 1AbC_d-9 ')).toBe('1AbC_d-9');
    expect(spreadsheetIdOf('not a sheet!')).toBe('');
  });
});

describe('columnsNamedBy', () => {
  it('finds the source columns a saved transform names, in the order it writes them', () => {
    const steps = [
      { type: 'retype', column: 'closed', to: 'date', onError: 'empty' },
      { type: 'rename', columns: { dealname: 'Deal' } },
      { type: 'select', columns: ['amount', 'Deal', 'closed'] },
      { type: 'filter', where: { all: [{ column: 'amount', op: 'gt', value: 5 }, { column: 'Deal', op: 'contains', value: 'x' }] } },
    ];
    const columns = columnsNamedBy(steps);
    expect(columns).toEqual([{ name: 'amount', type: 'decimal' }, { name: 'dealname', type: 'text' }, { name: 'closed', type: '' }]);
    // Drawn on these columns, the panel gives the same steps back (the select is kept: the source may have more).
    expect(panelSteps(columns, panelFrom(columns, steps, true)).steps).toEqual(steps);
  });
});

describe('conversions', () => {
  it('keep what a value that does not convert becomes, the API\'s default (fail) included', () => {
    const columns = [{ name: 'amount', type: 'text' }, { name: 'closed', type: 'text' }, { name: 'id', type: 'text' }];
    const steps = [
      { type: 'retype', column: 'amount', to: 'decimal', onError: 'fail' },
      { type: 'retype', column: 'closed', to: 'date', onError: 'empty' },
    ];
    const panel = panelFrom(columns, [{ type: 'retype', column: 'amount', to: 'decimal' }, steps[1]]);
    expect(panel.layout.map((c) => c.onError)).toEqual(['fail', 'empty', undefined]);
    expect(panelSteps(columns, panel).steps).toEqual(steps);
    // A conversion made in the panel leaves such values empty until the user says otherwise; the preview counts them.
    const made = { ...panel, layout: panel.layout.map((c) => c.name === 'id' ? { ...c, retype: 'integer' as const } : c) };
    expect(panelSteps(columns, made).steps[2]).toEqual({ type: 'retype', column: 'id', to: 'integer', onError: 'empty' });
  });
});

describe('exactNumber', () => {
  it('keeps numbers a JS number cannot hold exactly as the text typed', () => {
    expect(exactNumber('500')).toBe(500);
    expect(exactNumber(' 1.5 ')).toBe(1.5);
    expect(exactNumber('527.50')).toBe('527.50');
    expect(exactNumber('9223372036854775807')).toBe('9223372036854775807');
  });
});
