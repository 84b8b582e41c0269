import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TransformPanel } from './TransformPanel';
import { Column, TransformPanel as Panel, emptyPanel, panelSteps } from './model';

const columns: Column[] = [
  { name: 'dealname', type: 'text' },
  { name: 'amount', type: 'decimal' },
];

/** The panel with its state, as the builder holds it; the latest steps are written where the test can read them. */
function Harness({ out }: { out: { steps?: unknown[] } }) {
  const [panel, setPanel] = useState<Panel>(emptyPanel(columns));
  out.steps = panelSteps(columns, panel).steps;
  return <TransformPanel columns={columns} panel={panel} onChange={setPanel} serverErrors={{}} />;
}

describe('TransformPanel', () => {
  afterEach(cleanup);

  it('turns renaming, a filter and a calculated column into steps', async () => {
    const user = userEvent.setup();
    const out: { steps?: unknown[] } = {};
    render(<Harness out={out} />);

    const name = screen.getByLabelText('Name of column dealname');
    await user.clear(name);
    await user.type(name, 'Deal');
    await user.click(screen.getByRole('button', { name: 'Move amount up' }));

    await user.click(screen.getByRole('button', { name: 'Add condition' }));
    await user.selectOptions(screen.getByLabelText('Filter 1 column'), 'amount');
    await user.selectOptions(screen.getByLabelText('Filter 1 test'), 'gt');
    await user.type(screen.getByLabelText('Filter 1 value'), '500');

    await user.click(screen.getByRole('button', { name: 'Add calculated column' }));
    await user.type(screen.getByLabelText('Calculated column 1 name'), 'gross');
    const formula = screen.getByLabelText('Calculated column 1 formula');
    // user-event treats [ as a key descriptor: [[ types one bracket.
    await user.type(formula, 'ROUND([[amont] * 2');
    expect(screen.getByRole('alert').textContent).toBe('No column "amont" here (at position 7)');
    await user.clear(formula);
    await user.type(formula, 'ROUND([[amount] * 1.19, 2)');
    expect(screen.getByText('✓ Formula is valid')).toBeTruthy();

    expect(out.steps).toEqual([
      { type: 'rename', columns: { dealname: 'Deal' } },
      { type: 'select', columns: ['amount', 'Deal'] },
      { type: 'filter', where: { column: 'amount', op: 'gt', value: 500 } },
      { type: 'calculate', column: 'gross', expression: 'ROUND([amount] * 1.19, 2)' },
    ]);
  });

  it('shows a duplicate name where it is typed', async () => {
    const user = userEvent.setup();
    render(<Harness out={{}} />);
    const name = screen.getByLabelText('Name of column amount');
    await user.clear(name);
    await user.type(name, 'DealName');
    expect(screen.getByRole('alert').textContent).toBe('"DealName" is already the name of another column');
  });
});
