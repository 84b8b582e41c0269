import { Preview } from '../api';
import { typeLabel } from './labels';
import { formatCount } from './ui';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Decimals and large integers arrive as text (exact); the column's type says they are numbers. */
const numeric = (type: string | undefined) => type === 'integer' || type === 'decimal';

/** The first rows of a stage, with each column's type under its name, named as the transform's type menu names it. */
export function PreviewTable({ preview, caption }: { preview: Preview; caption: string }) {
  return (
    <figure className="preview">
      <figcaption>
        {caption}: <strong data-testid="preview-total">{formatCount(preview.totalRows)}</strong> rows
        {preview.truncated && `, the first ${formatCount(preview.rowCount)} shown`}
        {preview.sourceRowsCapped && ' (the source was read in part for the preview)'}
      </figcaption>
      {preview.columns.length === 0 ? (
        <p className="muted">No columns: the source returned no records.</p>
      ) : (
        <div className="table-wrap scroll">
          <table className="grid">
            <thead>
              <tr>
                {preview.columns.map((c) => (
                  <th key={c.name} scope="col">
                    {c.name}
                    <span className="type">{typeLabel(c.type)}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((value, c) => (
                    <td key={c} className={numeric(preview.columns[c]?.type) ? 'num' : undefined}>{cell(value)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}
