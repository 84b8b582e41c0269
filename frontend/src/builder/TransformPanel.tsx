import {
  Aggregate, COLUMN_TYPES, Column, ColumnType, Condition, ConversionFailure, OP_LABELS, TransformPanel as Panel, checkFormula,
  conditionProblem, layoutProblems, move, operandsOf, operatorsFor, setFormulaFunctions, shapedColumns,
} from './model';
import { useEffect, useState } from 'react';
import { formulaFunctions } from '../api';

const AGGREGATE_LABELS: Record<Aggregate['fn'], string> = {
  sum: 'Sum', count: 'Count', count_distinct: 'Count distinct', average: 'Average', min: 'Minimum', max: 'Maximum',
};

/** Shape, filter, calculate and aggregate the rows, on the columns the preview found. */
export function TransformPanel({ columns, panel, onChange, serverErrors }: {
  columns: Column[];
  panel: Panel;
  onChange: (panel: Panel) => void;
  /** The server's messages for the formulas, by formula index. */
  serverErrors: Record<number, string>;
}) {
  // Formulas are checked against the server's functions: rendered again once they arrive.
  const [, setFunctionsLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    formulaFunctions().then((functions) => {
      setFormulaFunctions(functions);
      if (live) setFunctionsLoaded(true);
    }).catch(() => {
      // Not loaded: formulas are checked without function names until the server checks them on save.
    });
    return () => {
      live = false;
    };
  }, []);
  const problems = layoutProblems(panel.layout);
  const shaped = shapedColumns(columns, panel.layout);
  const afterFormulas: Column[] = [...shaped, ...panel.formulas.filter((f) => f.column).map((f) => ({ name: f.column, type: 'decimal' }))];
  const update = (change: Partial<Panel>) => onChange({ ...panel, ...change });
  const setCondition = (index: number, change: Partial<Condition>) => {
    const conditions = panel.filter.conditions.slice();
    conditions[index] = { ...conditions[index], ...change };
    update({ filter: { ...panel.filter, conditions } });
  };

  return (
    <div className="transform">
      <fieldset className="group">
        <legend>Columns</legend>
        <p className="hint">Rename, reorder, hide or convert the columns. Hidden columns are not written.</p>
        <table className="columns">
          <thead>
            <tr><th scope="col">Order</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Keep</th></tr>
          </thead>
          <tbody>
            {panel.layout.map((column, index) => {
              const original = columns.find((c) => c.name === column.source);
              const id = `column-${index}`;
              return (
                <tr key={column.source} className={column.hidden ? 'hidden-column' : undefined}>
                  <td className="order">
                    <button type="button" className="icon" aria-label={`Move ${column.name} up`} disabled={index === 0}
                      onClick={() => update({ layout: move(panel.layout, index, index - 1) })}>↑</button>
                    <button type="button" className="icon" aria-label={`Move ${column.name} down`}
                      disabled={index === panel.layout.length - 1}
                      onClick={() => update({ layout: move(panel.layout, index, index + 1) })}>↓</button>
                  </td>
                  <td>
                    <input id={id} aria-label={`Name of column ${column.source}`} value={column.name}
                      aria-invalid={problems[index] ? true : undefined}
                      onChange={(e) => update({ layout: panel.layout.map((c, i) => i === index ? { ...c, name: e.target.value } : c) })} />
                    {column.name !== column.source && <small className="muted"> was {column.source}</small>}
                    {problems[index] && <small className="field-error" role="alert">{problems[index]}</small>}
                  </td>
                  <td>
                    <select aria-label={`Type of column ${column.source}`} value={column.retype ?? original?.type ?? 'text'}
                      onChange={(e) => update({ layout: panel.layout.map((c, i) => i === index
                        ? { ...c, retype: e.target.value === original?.type ? undefined : e.target.value as ColumnType } : c) })}>
                      {!(column.retype ?? original?.type ?? 'text') && <option value="">as the source has it</option>}
                      {COLUMN_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                    </select>
                    {column.retype && column.retype !== original?.type && (
                      <select aria-label={`If a value of ${column.source} does not convert`} className="on-error"
                        value={column.onError ?? 'empty'}
                        onChange={(e) => update({ layout: panel.layout.map((c, i) => i === index
                          ? { ...c, onError: e.target.value as ConversionFailure } : c) })}>
                        <option value="empty">leave what does not convert empty</option>
                        <option value="fail">fail the run on it</option>
                      </select>
                    )}
                  </td>
                  <td>
                    <input type="checkbox" aria-label={`Keep column ${column.source}`} checked={!column.hidden}
                      onChange={(e) => update({ layout: panel.layout.map((c, i) => i === index ? { ...c, hidden: !e.target.checked } : c) })} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>

      <fieldset className="group">
        <legend>Filter rows</legend>
        {panel.filter.conditions.length > 1 && (
          <label className="inline">
            Keep rows that match
            <select aria-label="Match" value={panel.filter.match}
              onChange={(e) => update({ filter: { ...panel.filter, match: e.target.value as 'all' | 'any' } })}>
              <option value="all">all conditions</option>
              <option value="any">any condition</option>
            </select>
          </label>
        )}
        {panel.filter.conditions.map((condition, index) => {
          const column = shaped.find((c) => c.name === condition.column);
          const operands = operandsOf(condition.op);
          const problem = conditionProblem(condition, shaped);
          return (
            <div className="condition" key={index}>
              <select aria-label={`Filter ${index + 1} column`} value={condition.column}
                onChange={(e) => {
                  const type = shaped.find((c) => c.name === e.target.value)?.type;
                  const op = operatorsFor(type).includes(condition.op) ? condition.op : operatorsFor(type)[0];
                  setCondition(index, { column: e.target.value, op });
                }}>
                <option value="">Column…</option>
                {shaped.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
              </select>
              <select aria-label={`Filter ${index + 1} test`} value={condition.op} onChange={(e) => setCondition(index, { op: e.target.value })}>
                {operatorsFor(column?.type).map((op) => <option key={op} value={op}>{OP_LABELS[op] ?? op}</option>)}
              </select>
              {(operands === 'one' || operands === 'range' || operands === 'list') && (
                <input aria-label={`Filter ${index + 1} value`} value={condition.value ?? ''}
                  type={column?.type === 'date' && operands !== 'list' ? 'date' : 'text'}
                  placeholder={operands === 'list' ? 'a, b, c' : operands === 'range' ? 'from' : 'value'}
                  onChange={(e) => setCondition(index, { value: e.target.value })} />
              )}
              {operands === 'range' && (
                <input aria-label={`Filter ${index + 1} upper bound`} value={condition.to ?? ''} placeholder="to"
                  type={column?.type === 'date' ? 'date' : 'text'} onChange={(e) => setCondition(index, { to: e.target.value })} />
              )}
              {operands === 'days' && (
                <input aria-label={`Filter ${index + 1} days`} inputMode="numeric" value={condition.days ?? ''} placeholder="days"
                  onChange={(e) => setCondition(index, { days: e.target.value })} />
              )}
              <button type="button" className="icon" aria-label={`Remove filter ${index + 1}`}
                onClick={() => update({ filter: { ...panel.filter, conditions: panel.filter.conditions.filter((_, i) => i !== index) } })}>×</button>
              {problem && condition.column && <small className="field-error">{problem}</small>}
            </div>
          );
        })}
        <button type="button" className="button small" disabled={shaped.length === 0}
          onClick={() => update({ filter: { ...panel.filter, conditions: [...panel.filter.conditions, { column: '', op: 'equals' }] } })}>
          Add condition
        </button>
      </fieldset>

      <fieldset className="group">
        <legend>Calculated columns</legend>
        {panel.formulas.map((formula, index) => {
          const others = [...shaped, ...panel.formulas.slice(0, index).map((f) => ({ name: f.column, type: 'decimal' }))];
          const check = checkFormula(formula.expression, others);
          const message = !check.ok ? check.message + (check.position ? ` (at position ${check.position})` : '') : serverErrors[index];
          const id = `formula-${index}`;
          return (
            <div className="formula" key={index}>
              <input aria-label={`Calculated column ${index + 1} name`} placeholder="New column" value={formula.column}
                onChange={(e) => update({ formulas: panel.formulas.map((f, i) => i === index ? { ...f, column: e.target.value } : f) })} />
              <span aria-hidden="true">=</span>
              <div className="formula-input">
                <input id={id} aria-label={`Calculated column ${index + 1} formula`} className="mono" spellCheck={false}
                  placeholder="ROUND([amount] * 1.19, 2)" value={formula.expression} aria-invalid={message ? true : undefined}
                  aria-describedby={id + '-message'}
                  onChange={(e) => update({ formulas: panel.formulas.map((f, i) => i === index ? { ...f, expression: e.target.value } : f) })} />
                <small id={id + '-message'} className={message ? 'field-error' : 'ok-text'} role={message ? 'alert' : undefined}>
                  {message ?? (formula.expression ? '✓ Formula is valid' : '')}
                </small>
              </div>
              <button type="button" className="icon" aria-label={`Remove calculated column ${index + 1}`}
                onClick={() => update({ formulas: panel.formulas.filter((_, i) => i !== index) })}>×</button>
            </div>
          );
        })}
        <button type="button" className="button small"
          onClick={() => update({ formulas: [...panel.formulas, { column: '', expression: '' }] })}>Add calculated column</button>
        <details className="hint">
          <summary>Formula help</summary>
          Columns by name or in [brackets]; text in quotes; + − * / %, &amp; joins text; comparisons, AND OR NOT;
          functions such as ROUND, IF, UPPER, CONCAT, YEAR, ADD_DAYS, DAYS_BETWEEN, COALESCE.
        </details>
      </fieldset>

      <fieldset className="group">
        <legend>Summarize</legend>
        {panel.aggregates.length === 0 && <p className="hint">Group rows and total them, e.g. the sum of amount by stage.</p>}
        {panel.aggregates.length > 0 && (
          <div className="group-by" role="group" aria-label="Group by">
            <span>Group by</span>
            {afterFormulas.map((c) => (
              <label key={c.name} className="chip">
                <input type="checkbox" checked={panel.groupBy.includes(c.name)}
                  onChange={(e) => update({ groupBy: e.target.checked ? [...panel.groupBy, c.name] : panel.groupBy.filter((g) => g !== c.name) })} />
                {c.name}
              </label>
            ))}
          </div>
        )}
        {panel.aggregates.map((aggregate, index) => (
          <div className="condition" key={index}>
            <select aria-label={`Summary ${index + 1} function`} value={aggregate.fn}
              onChange={(e) => update({ aggregates: panel.aggregates.map((a, i) => i === index ? { ...a, fn: e.target.value as Aggregate['fn'] } : a) })}>
              {Object.entries(AGGREGATE_LABELS).map(([fn, label]) => <option key={fn} value={fn}>{label}</option>)}
            </select>
            <select aria-label={`Summary ${index + 1} column`} value={aggregate.column}
              onChange={(e) => update({ aggregates: panel.aggregates.map((a, i) => i === index ? { ...a, column: e.target.value } : a) })}>
              <option value="">{aggregate.fn === 'count' ? 'rows' : 'Column…'}</option>
              {afterFormulas.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
            </select>
            <input aria-label={`Summary ${index + 1} name`} placeholder="named" value={aggregate.as}
              onChange={(e) => update({ aggregates: panel.aggregates.map((a, i) => i === index ? { ...a, as: e.target.value } : a) })} />
            <button type="button" className="icon" aria-label={`Remove summary ${index + 1}`}
              onClick={() => update({ aggregates: panel.aggregates.filter((_, i) => i !== index) })}>×</button>
          </div>
        ))}
        <button type="button" className="button small"
          onClick={() => update({ aggregates: [...panel.aggregates, { fn: 'count', column: '', as: '' }] })}>Add summary</button>
      </fieldset>

      {panel.other.length > 0 && (
        <fieldset className="group">
          <legend>Other steps</legend>
          <p className="hint">Steps made through the API (kept as they are, after the ones above):</p>
          <pre className="mono">{JSON.stringify(panel.other, null, 2)}</pre>
        </fieldset>
      )}
    </div>
  );
}
