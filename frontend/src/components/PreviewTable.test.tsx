import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { PreviewTable } from './PreviewTable';

describe('Preview table', () => {
  afterEach(cleanup);

  it('names column types as the transform menu does: text, not string', () => {
    render(<PreviewTable caption="Result" preview={{
      columns: [{ name: 'customer', type: 'string' }, { name: 'total', type: 'decimal' }, { name: 'tags', type: 'json' }],
      rows: [['Ada', '527.50', '["a"]']], rowCount: 1, truncated: false, totalRows: 1, step: null, steps: [], sourceRowsCapped: false,
    }} />);
    const headers = screen.getAllByRole('columnheader').map((th) => th.querySelector('.type')?.textContent);
    expect(headers).toEqual(['text', 'decimal', 'JSON']);
    expect(screen.queryByText('string')).toBeNull();
    expect(screen.getByText('527.50').className).toBe('num');
  });
});
