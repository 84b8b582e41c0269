// The flow builder's logic, kept apart from React so that it is tested on its own (model.test.ts). It turns what a
// user does in the transform panel into the API's transform steps and back, and checks input before it is sent.

export type ColumnType = 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'timestamp';
export const COLUMN_TYPES: ColumnType[] = ['text', 'integer', 'decimal', 'boolean', 'date', 'timestamp'];

export interface Column {
  name: string;
  type: string;
}

export type Step = { type: string; [field: string]: unknown };

/** One column as the transform panel shows it: where it came from, what it is called now, whether it is kept. */
export interface ColumnLayout {
  source: string;
  name: string;
  hidden: boolean;
  /** A type to convert to; absent keeps the column's own. */
  retype?: ColumnType;
  /** What a value that does not convert becomes: empty (the preview counts them), or the run fails. */
  onError?: ConversionFailure;
}

export type ConversionFailure = 'empty' | 'fail';

export function layoutOf(columns: Column[]): ColumnLayout[] {
  return columns.map((c) => ({ source: c.name, name: c.name, hidden: false }));
}

/** Moves the column at {@code from} to {@code to}, as a drag or the arrow buttons do. */
export function move<T>(items: T[], from: number, to: number): T[] {
  if (to < 0 || to >= items.length || from === to) return items;
  const copy = items.slice();
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item);
  return copy;
}

/**
 * The steps that give the layout: conversions first (on the source names), then one rename, then one select that keeps
 * the visible columns in their order. Nothing is emitted for what the user left as it was.
 */
export function shapeSteps(columns: Column[], layout: ColumnLayout[], keepSelect = false): Step[] {
  const steps: Step[] = [];
  for (const column of layout) {
    const original = columns.find((c) => c.name === column.source);
    if (column.retype && !column.hidden && original && original.type !== column.retype) {
      steps.push({ type: 'retype', column: column.source, to: column.retype, onError: column.onError ?? 'empty' });
    }
  }
  const renames: Record<string, string> = {};
  for (const column of layout) {
    if (column.name !== column.source && !column.hidden) renames[column.source] = column.name;
  }
  if (Object.keys(renames).length > 0) steps.push({ type: 'rename', columns: renames });
  const kept = layout.filter((c) => !c.hidden);
  const unchangedOrder = kept.length === columns.length && kept.every((c, i) => c.source === columns[i].name);
  if (!unchangedOrder || keepSelect) steps.push({ type: 'select', columns: kept.map((c) => c.name) });
  return steps;
}

/** Problems with a layout the user is editing, by column index: empty or repeated names. */
export function layoutProblems(layout: ColumnLayout[]): Record<number, string> {
  const problems: Record<number, string> = {};
  const seen = new Map<string, number>();
  layout.forEach((column, index) => {
    if (column.hidden) return;
    const name = column.name.trim();
    if (name === '') {
      problems[index] = 'A column needs a name';
    } else if (seen.has(name.toLowerCase())) {
      problems[index] = `"${name}" is already the name of another column`;
    } else {
      seen.set(name.toLowerCase(), index);
    }
  });
  if (layout.length > 0 && layout.every((c) => c.hidden)) problems[0] = 'Keep at least one column';
  return problems;
}

// ------------------------------------------------------------------------------------------------------------- filter

export interface Condition {
  column: string;
  op: string;
  value?: string;
  to?: string;
  days?: string;
}

export interface FilterForm {
  match: 'all' | 'any';
  conditions: Condition[];
}

const TEXT_OPS = ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'matches', 'in',
  'not_in', 'is_empty', 'is_not_empty'];
const NUMBER_OPS = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'not_in', 'is_empty',
  'is_not_empty'];
const DATE_OPS = ['equals', 'before', 'after', 'between', 'today', 'yesterday', 'last_days', 'this_week', 'last_week',
  'this_month', 'last_month', 'this_quarter', 'last_quarter', 'this_year', 'last_year', 'is_empty', 'is_not_empty'];
const BOOLEAN_OPS = ['equals', 'not_equals', 'is_empty', 'is_not_empty'];

export const OP_LABELS: Record<string, string> = {
  equals: 'is', not_equals: 'is not', contains: 'contains', not_contains: 'does not contain',
  starts_with: 'starts with', ends_with: 'ends with', matches: 'matches (regex)', in: 'is one of', not_in: 'is none of',
  is_empty: 'is empty', is_not_empty: 'is not empty', gt: '>', gte: '≥', lt: '<', lte: '≤', between: 'is between',
  before: 'is before', after: 'is after', today: 'is today', yesterday: 'is yesterday', last_days: 'in the last … days',
  this_week: 'this week', last_week: 'last week', this_month: 'this month', last_month: 'last month',
  this_quarter: 'this quarter', last_quarter: 'last quarter', this_year: 'this year', last_year: 'last year',
};

export function operatorsFor(type: string | undefined): string[] {
  switch (type) {
    case 'integer':
    case 'decimal':
      return NUMBER_OPS;
    case 'date':
    case 'timestamp':
      return DATE_OPS;
    case 'boolean':
      return BOOLEAN_OPS;
    default:
      return TEXT_OPS;
  }
}

/** What an operator needs from the user: nothing, one value, two (a range), a list or a number of days. */
export function operandsOf(op: string): 'none' | 'one' | 'range' | 'list' | 'days' {
  if (op === 'between') return 'range';
  if (op === 'in' || op === 'not_in') return 'list';
  if (op === 'last_days') return 'days';
  if (['is_empty', 'is_not_empty', 'today', 'yesterday'].includes(op) || /^(this|last)_(week|month|quarter|year)$/.test(op)) {
    return 'none';
  }
  return 'one';
}

/** Why a condition cannot be sent yet, or null when it can. */
export function conditionProblem(condition: Condition, columns: Column[]): string | null {
  const column = columns.find((c) => c.name === condition.column);
  if (!column) return 'Pick a column';
  if (!operatorsFor(column.type).includes(condition.op)) return `"${OP_LABELS[condition.op] ?? condition.op}" does not apply to ${column.type} values`;
  const numeric = column.type === 'integer' || column.type === 'decimal';
  const blank = (v?: string) => v === undefined || v.trim() === '';
  const notNumber = (v?: string) => numeric && !blank(v) && Number.isNaN(Number(v));
  switch (operandsOf(condition.op)) {
    case 'one':
      if (blank(condition.value)) return 'Enter a value';
      if (notNumber(condition.value)) return `"${condition.value}" is not a number`;
      return null;
    case 'range':
      if (blank(condition.value) || blank(condition.to)) return 'Enter both ends of the range';
      if (notNumber(condition.value) || notNumber(condition.to)) return 'Both ends must be numbers';
      return null;
    case 'list':
      return splitList(condition.value ?? '').length === 0 ? 'Enter at least one value' : null;
    case 'days':
      return /^[1-9][0-9]*$/.test(condition.days ?? '') ? null : 'Enter a whole number of days';
    default:
      return null;
  }
}

function splitList(text: string): string[] {
  return text.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * A number as JSON when a JS number holds it exactly; otherwise the text typed (the server reads numbers given as text
 * exactly), so that "527.50" or 9223372036854775807 are not rounded on the way.
 */
export function exactNumber(value: string): number | string {
  const text = value.trim();
  const number = Number(text);
  return String(number) === text ? number : text;
}

function typed(value: string, column: Column | undefined): unknown {
  if (column && (column.type === 'integer' || column.type === 'decimal')) return exactNumber(value);
  if (column && column.type === 'boolean') return value.trim().toLowerCase() === 'true';
  return value;
}

/** The API's filter step for the form, or null while the form has no complete condition. */
export function filterStep(form: FilterForm, columns: Column[]): Step | null {
  const tests = form.conditions.filter((c) => conditionProblem(c, columns) === null).map((c) => {
    const column = columns.find((col) => col.name === c.column);
    const test: Record<string, unknown> = { column: c.column, op: c.op };
    switch (operandsOf(c.op)) {
      case 'one':
        test.value = typed(c.value ?? '', column);
        break;
      case 'range':
        test.from = typed(c.value ?? '', column);
        test.to = typed(c.to ?? '', column);
        break;
      case 'list':
        test.values = splitList(c.value ?? '').map((v) => typed(v, column));
        break;
      case 'days':
        test.days = Number(c.days);
        break;
    }
    return test;
  });
  if (tests.length === 0) return null;
  return { type: 'filter', where: tests.length === 1 ? tests[0] : { [form.match]: tests } };
}

/** The form for a filter step the API holds (the reverse of filterStep, for editing a saved flow). */
export function filterForm(step: Step | undefined): FilterForm {
  if (!step || step.type !== 'filter') return { match: 'all', conditions: [] };
  const where = step.where as Record<string, unknown>;
  const group = (where.all ?? where.any) as Record<string, unknown>[] | undefined;
  const tests = group ?? [where];
  return {
    match: where.any ? 'any' : 'all',
    conditions: tests.map((t) => ({
      column: String(t.column ?? ''),
      op: String(t.op ?? 'equals'),
      value: t.values ? (t.values as unknown[]).join(', ') : t.from !== undefined ? String(t.from) : t.value !== undefined ? String(t.value) : undefined,
      to: t.to !== undefined ? String(t.to) : undefined,
      days: t.days !== undefined ? String(t.days) : undefined,
    })),
  };
}

// ------------------------------------------------------------------------------------------------------------ formula

/**
 * The names of the formula functions the server serves (GET /transform/functions); null until they have arrived, when
 * any name passes here and the server's check has the last word.
 */
let knownFunctions: ReadonlySet<string> | null = null;

/** Hands checkFormula the server's functions; the builder does it once they have loaded, tests with a list of their own. */
export function setFormulaFunctions(functions: readonly { name: string }[] | null) {
  knownFunctions = functions === null ? null : new Set(functions.map((f) => f.name.toUpperCase()));
}

const KEYWORDS = ['AND', 'OR', 'NOT', 'TRUE', 'FALSE', 'NULL'];

export interface FormulaCheck {
  ok: boolean;
  message?: string;
  /** 1-based position of the problem in the expression, as the server reports it. */
  position?: number;
}

/**
 * A quick check while the user types, before the server parses the expression for real (the server's answer wins):
 * closed quotes and brackets, balanced parentheses, known columns, and functions the server serves (once loaded).
 */
export function checkFormula(expression: string, columns: Column[]): FormulaCheck {
  if (expression.trim() === '') return { ok: false, message: 'Enter a formula' };
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  let depth = 0;
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i];
    if (ch === "'" || ch === '"') {
      const end = expression.indexOf(ch, i + 1);
      if (end < 0) return { ok: false, message: 'This text is not closed with ' + ch, position: i + 1 };
      i = end + 1;
    } else if (ch === '[') {
      const end = expression.indexOf(']', i + 1);
      if (end < 0) return { ok: false, message: 'A column name in [ ] is not closed', position: i + 1 };
      const name = expression.slice(i + 1, end);
      if (!names.has(name.toLowerCase())) return { ok: false, message: `No column "${name}" here`, position: i + 1 };
      i = end + 1;
    } else if (ch === '(') {
      depth++;
      i++;
    } else if (ch === ')') {
      depth--;
      if (depth < 0) return { ok: false, message: 'A ")" has no "(" before it', position: i + 1 };
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let end = i;
      while (end < expression.length && /[A-Za-z0-9_]/.test(expression[end])) end++;
      const word = expression.slice(i, end);
      const next = expression.slice(end).trimStart()[0];
      if (next === '(') {
        if (knownFunctions !== null && !knownFunctions.has(word.toUpperCase())) return { ok: false, message: `No function ${word}`, position: i + 1 };
      } else if (!KEYWORDS.includes(word.toUpperCase()) && !names.has(word.toLowerCase())) {
        return { ok: false, message: `No column "${word}" here (names with spaces go in [ ])`, position: i + 1 };
      }
      i = end;
    } else {
      i++;
    }
  }
  if (depth > 0) return { ok: false, message: 'A "(" is not closed', position: expression.length };
  return { ok: true };
}

// ----------------------------------------------------------------------------------------------------------- schedule

export interface ScheduleForm {
  preset: 'manual' | 'every_15_minutes' | 'every_30_minutes' | 'hourly' | 'every_n_hours' | 'daily' | 'weekly' | 'monthly';
  hours: number;
  days: string[];
  times: string;
  daysOfMonth: string;
  windowFrom: string;
  windowTo: string;
  timezone: string;
  paused: boolean;
}

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const INTERVALS = ['every_15_minutes', 'every_30_minutes', 'hourly', 'every_n_hours'];

export function defaultSchedule(timezone: string): ScheduleForm {
  return { preset: 'manual', hours: 2, days: [], times: '08:00', daysOfMonth: '1', windowFrom: '', windowTo: '',
    timezone, paused: false };
}

/** The API's schedule for the form; null for "only when I run it" (no schedule). */
export function scheduleOf(form: ScheduleForm): Record<string, unknown> | null {
  if (form.preset === 'manual') return null;
  const schedule: Record<string, unknown> = { preset: form.preset, timezone: form.timezone };
  if (form.preset === 'every_n_hours') schedule.hours = form.hours;
  if (form.days.length > 0 && form.days.length < 7) schedule.daysOfWeek = WEEKDAYS.filter((d) => form.days.includes(d));
  if (form.preset === 'weekly' && form.days.length === 0) schedule.daysOfWeek = ['MON'];
  if (['daily', 'weekly', 'monthly'].includes(form.preset)) {
    schedule.times = form.times.split(',').map((t) => t.trim()).filter((t) => t !== '');
  }
  if (form.preset === 'monthly') {
    schedule.daysOfMonth = form.daysOfMonth.split(',').map((d) => Number(d.trim())).filter((d) => !Number.isNaN(d));
  }
  if (INTERVALS.includes(form.preset) && form.windowFrom && form.windowTo) {
    schedule.window = { from: form.windowFrom, to: form.windowTo };
  }
  if (form.paused) schedule.paused = true;
  return schedule;
}

export function scheduleForm(schedule: Record<string, unknown> | null | undefined, timezone: string): ScheduleForm {
  const form = defaultSchedule(timezone);
  if (!schedule || !schedule.preset || schedule.preset === 'cron') return form;
  const window = schedule.window as { from?: string; to?: string } | undefined;
  return {
    ...form,
    preset: schedule.preset as ScheduleForm['preset'],
    hours: Number(schedule.hours ?? form.hours),
    days: (schedule.daysOfWeek as string[] | undefined) ?? [],
    times: ((schedule.times as string[] | undefined) ?? [form.times]).join(', '),
    daysOfMonth: ((schedule.daysOfMonth as number[] | undefined) ?? [1]).join(', '),
    windowFrom: window?.from ?? '',
    windowTo: window?.to ?? '',
    timezone: String(schedule.timezone ?? timezone),
    paused: schedule.paused === true,
  };
}

/** A schedule in one line, for the flow list. */
export function describeSchedule(schedule: Record<string, unknown> | null | undefined): string {
  if (!schedule || !schedule.preset) return 'Manual only';
  const preset = String(schedule.preset);
  const labels: Record<string, string> = {
    every_15_minutes: 'Every 15 minutes', every_30_minutes: 'Every 30 minutes', hourly: 'Hourly',
    every_n_hours: `Every ${schedule.hours ?? '?'} hours`, daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly',
    cron: `Cron ${schedule.cron ?? ''}`,
  };
  let text = labels[preset] ?? preset;
  const days = schedule.daysOfWeek as string[] | undefined;
  if (days && days.length > 0) text += ' on ' + days.map((d) => d[0] + d.slice(1).toLowerCase()).join(', ');
  const times = schedule.times as string[] | undefined;
  if (times && times.length > 0) text += ' at ' + times.join(', ');
  const window = schedule.window as { from: string; to: string } | undefined;
  if (window) text += `, ${window.from}–${window.to}`;
  return text;
}

// ---------------------------------------------------------------------------------------------- the whole panel

export interface Formula {
  column: string;
  expression: string;
}

export interface Aggregate {
  fn: 'sum' | 'count' | 'count_distinct' | 'average' | 'min' | 'max';
  column: string;
  as: string;
}

/** Everything the transform panel edits, in the order its steps run: shape, filter, calculate, aggregate. */
export interface TransformPanel {
  layout: ColumnLayout[];
  filter: FilterForm;
  formulas: Formula[];
  groupBy: string[];
  aggregates: Aggregate[];
  /** Steps the panel does not edit (sql, sort, deduplicate, limit…), kept as they are, after the panel's own. */
  other: Step[];
  /**
   * The saved flow selects its columns, but the panel only knows the columns its steps name (no preview yet): the
   * select is kept even when the known columns look unchanged, as the source has others that it leaves out.
   */
  keepSelect?: boolean;
}

export function emptyPanel(columns: Column[]): TransformPanel {
  return { layout: layoutOf(columns), filter: { match: 'all', conditions: [] }, formulas: [], groupBy: [], aggregates: [], other: [] };
}

/** The columns after the panel's shaping, with their types: what the filter and formulas can refer to. */
export function shapedColumns(columns: Column[], layout: ColumnLayout[]): Column[] {
  return layout.filter((c) => !c.hidden).map((c) => ({
    name: c.name,
    type: c.retype ?? columns.find((col) => col.name === c.source)?.type ?? 'text',
  }));
}

/**
 * The API's transform steps for the panel, and where each formula's step lands (for the server's errors; -1 when left
 * out). {@code onlyComplete} leaves out formulas still being typed, as the live preview does; saving sends them all, so
 * that the server names what is wrong.
 */
export function panelSteps(columns: Column[], panel: TransformPanel, onlyComplete = false): { steps: Step[]; formulaIndex: number[] } {
  const steps = shapeSteps(columns, panel.layout, panel.keepSelect);
  const shaped = shapedColumns(columns, panel.layout);
  const filter = filterStep(panel.filter, shaped);
  if (filter) steps.push(filter);
  const formulaIndex: number[] = [];
  const available = shaped.slice();
  for (const formula of panel.formulas) {
    if (onlyComplete && (formula.column.trim() === '' || !checkFormula(formula.expression, available).ok)) {
      formulaIndex.push(-1);
      continue;
    }
    formulaIndex.push(steps.length);
    steps.push({ type: 'calculate', column: formula.column, expression: formula.expression });
    available.push({ name: formula.column, type: 'decimal' });
  }
  const aggregates = panel.aggregates.filter((a) => a.fn === 'count' || a.column !== '');
  if (aggregates.length > 0) {
    steps.push({
      type: 'aggregate',
      groupBy: panel.groupBy,
      aggregates: aggregates.map((a) => {
        const out: Record<string, unknown> = { function: a.fn, as: a.as || defaultAlias(a) };
        if (a.column) out.column = a.column;
        return out;
      }),
    });
  }
  steps.push(...panel.other);
  return { steps, formulaIndex };
}

export function defaultAlias(a: Aggregate): string {
  return a.column ? `${a.fn}_${a.column}` : a.fn;
}

/** The panel for steps a saved flow holds: the reverse of panelSteps, for the steps the panel itself makes. */
export function panelFrom(columns: Column[], steps: Step[], partial = false): TransformPanel {
  const panel = emptyPanel(columns);
  if (partial && steps.some((s) => s.type === 'select')) panel.keepSelect = true;
  let i = 0;
  while (i < steps.length && steps[i].type === 'retype') {
    const step = steps[i];
    const column = panel.layout.find((c) => c.source === step.column);
    if (!column) break;
    column.retype = step.to as ColumnType;
    // The API's own default is to fail: a step saved without onError stays so.
    column.onError = step.onError === 'empty' ? 'empty' : 'fail';
    i++;
  }
  if (steps[i]?.type === 'rename') {
    const renames = steps[i].columns as Record<string, string>;
    panel.layout.forEach((c) => { if (renames[c.source]) c.name = renames[c.source]; });
    i++;
  }
  if (steps[i]?.type === 'select') {
    const kept = steps[i].columns as string[];
    const ordered = kept.map((name) => panel.layout.find((c) => c.name === name)).filter((c): c is ColumnLayout => !!c);
    const hidden = panel.layout.filter((c) => !kept.includes(c.name)).map((c) => ({ ...c, hidden: true }));
    panel.layout = [...ordered, ...hidden];
    i++;
  }
  if (steps[i]?.type === 'filter') {
    panel.filter = filterForm(steps[i]);
    i++;
  }
  while (steps[i]?.type === 'calculate' && !steps[i].replace) {
    panel.formulas.push({ column: String(steps[i].column), expression: String(steps[i].expression) });
    i++;
  }
  if (steps[i]?.type === 'aggregate') {
    panel.groupBy = (steps[i].groupBy as string[]) ?? [];
    panel.aggregates = ((steps[i].aggregates as Record<string, string>[]) ?? []).map((a) => ({
      fn: a.function as Aggregate['fn'], column: a.column ?? '', as: a.as ?? '',
    }));
    i++;
  }
  panel.other = steps.slice(i);
  return panel;
}

/** How a filter test hints at its column's type, when no preview has told it. */
function typeHintedBy(test: Record<string, unknown>): string {
  const op = String(test.op ?? '');
  const value = test.value ?? test.from ?? (Array.isArray(test.values) ? test.values[0] : undefined);
  if (['gt', 'gte', 'lt', 'lte'].includes(op)) return 'decimal';
  if (['before', 'after', 'last_days', 'today', 'yesterday'].includes(op) || /^(this|last)_(week|month|quarter|year)$/.test(op)) return 'date';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'decimal';
  if (op === 'between') return /^\d{4}-\d{2}-\d{2}/.test(String(value)) ? 'date' : 'decimal';
  return 'text';
}

/**
 * The source columns a saved flow's steps name, for showing its transform before any preview (a preview reads the
 * source, which may be slow or need a sign-in). Types are unknown (empty) except where a filter hints at them; a column
 * converted by a retype step keeps an empty type so that the conversion is written back as it was.
 */
export function columnsNamedBy(steps: Step[]): Column[] {
  const columns: Column[] = [];
  const sourceOf = new Map<string, string>();
  const add = (name: string, type = '') => {
    const source = sourceOf.get(name) ?? name;
    const known = columns.find((c) => c.name === source);
    if (!known) columns.push({ name: source, type });
    else if (!known.type && type) known.type = type;
  };
  let i = 0;
  while (steps[i]?.type === 'retype') add(String(steps[i++].column));
  if (steps[i]?.type === 'rename') {
    for (const [from, to] of Object.entries(steps[i].columns as Record<string, string>)) {
      add(from);
      sourceOf.set(to, from);
    }
    i++;
  }
  if (steps[i]?.type === 'select') {
    // The selected order first: the panel shows the columns as the flow writes them.
    const selected = (steps[i].columns as string[]).map((name) => sourceOf.get(name) ?? name);
    const others = columns.filter((c) => !selected.includes(c.name));
    columns.splice(0, columns.length, ...selected.map((name) => columns.find((c) => c.name === name) ?? { name, type: '' }), ...others);
    i++;
  }
  if (steps[i]?.type === 'filter') {
    const where = steps[i].where as Record<string, unknown>;
    const tests = (where.all ?? where.any ?? [where]) as Record<string, unknown>[];
    const retyped = new Set(steps.filter((s) => s.type === 'retype').map((s) => String(s.column)));
    for (const test of tests) {
      const name = String(test.column ?? '');
      if (name && !retyped.has(sourceOf.get(name) ?? name)) add(name, typeHintedBy(test));
      else if (name) add(name);
    }
  }
  return columns;
}

// --------------------------------------------------------------------------------------------- source parameters

/** A source's parameters as "name: value" lines, for editing. */
export function parametersText(parameters: Record<string, unknown> | null | undefined): string {
  return Object.entries(parameters ?? {}).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('\n');
}

/** "name: value" lines into a source's parameters (a value may hold colons); null when there are none. */
export function parametersOf(text: string): Record<string, unknown> | null {
  const entries = text.split('\n').map((line) => line.split(/:(.*)/s)).filter((p) => p.length > 1 && p[0].trim() !== '')
    .map(([k, v]) => [k.trim(), v.trim()] as const);
  return entries.length ? Object.fromEntries(entries) : null;
}
