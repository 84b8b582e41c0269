import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { JsonSchema } from '../api';
import { SchemaForm } from './SchemaForm';

const xlsx: JsonSchema = {
  type: 'object', oneOf: [{ required: ['upload'] }, { required: ['url'] }],
  properties: {
    upload: { type: 'string', 'x-upload': 'xlsx', title: 'Excel file (.xlsx)', description: 'Upload the workbook.' },
    url: { type: 'string', format: 'uri', title: 'URL' },
  },
};

function Harness({ onValue }: { onValue: (v: Record<string, unknown>) => void }) {
  const [value, setValue] = useState<Record<string, unknown>>({});
  return <SchemaForm schema={xlsx} value={value} idPrefix="config"
    onChange={(v) => { setValue(v); onValue(v); }} />;
}

describe('Upload field', () => {
  afterEach(() => { cleanup(); vi.unstubAllGlobals(); });

  it('uploads the chosen file as its bytes and keeps the id the server answers', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'orders.xlsx', size: 2048,
        uploadedAt: '2026-12-01T10:00:00Z' }), { status: 201 });
    }));
    const values: Record<string, unknown>[] = [];
    render(<Harness onValue={(v) => values.push(v)} />);
    const input = screen.getByLabelText('Excel file (.xlsx)') as HTMLInputElement;
    expect(input.type).toBe('file');
    expect(input.accept).toContain('.xlsx');
    const file = new File(['PK-bytes'], 'orders.xlsx', { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    await userEvent.upload(input, file);
    await waitFor(() => expect(screen.getByText('Stored: orders.xlsx (2 KB)')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/v1/uploads?name=orders.xlsx');
    expect(calls[0].init.method).toBe('POST');
    expect((calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('application/octet-stream');
    expect(calls[0].init.body).toBe(file);
    expect(values.at(-1)).toEqual({ upload: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(input.getAttribute('aria-describedby')).toContain('config-upload-status');
  });

  it("shows the server's refusal as an error tied to the input, and keeps no id", async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ type: 'urn:rowflow:problem:content-too-large',
      title: 'Content Too Large', status: 413, detail: 'The file has 9000000 bytes; an upload may have at most 6291456' }),
    { status: 413, headers: { 'Content-Type': 'application/problem+json' } })));
    const values: Record<string, unknown>[] = [];
    render(<Harness onValue={(v) => values.push(v)} />);
    const input = screen.getByLabelText('Excel file (.xlsx)');
    await userEvent.upload(input, new File(['x'], 'big.xlsx'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The file has 9000000 bytes; an upload may have at most 6291456');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toContain(alert.id);
    expect(values).toEqual([]);
  });
});
