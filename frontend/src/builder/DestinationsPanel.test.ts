import { describe, expect, it } from 'vitest';
import { WriterDescriptor } from '../api';
import { pickerQuery } from '../components/PickerField';
import { pickedSettings, withoutSettings } from './DestinationsPanel';

const sheets: WriterDescriptor = {
  id: 'google-sheets', name: 'Google Sheets', category: 'spreadsheets', authType: 'connection',
  configSchema: { type: 'object', required: ['connectionId', 'spreadsheet', 'mode'], properties: {
    connectionId: { type: 'string' }, spreadsheet: { type: 'string' }, sheetName: { type: 'string' }, mode: { type: 'string' } } },
  connectionType: 'google-sheets', file: null, publishesAddresses: false,
  pickers: [
    { setting: 'spreadsheet', title: 'Spreadsheet', dependsOn: [], creatable: true, endpoint: '/api/v1/destinations/google-sheets/pickers/spreadsheet' },
    { setting: 'sheetName', title: 'Tab', dependsOn: ['spreadsheet'], creatable: false, endpoint: '/api/v1/destinations/google-sheets/pickers/sheetName' },
  ],
};

describe('destinations drawn from their catalog entry', () => {
  it('leaves the account and the picked settings out of the settings form', () => {
    expect(pickedSettings(sheets)).toEqual(['connectionId', 'spreadsheet', 'sheetName']);
    const form = withoutSettings(sheets.configSchema, pickedSettings(sheets));
    expect(Object.keys(form.properties ?? {})).toEqual(['mode']);
    expect(form.required).toEqual(['mode']);
    // A destination without an account draws its whole schema.
    expect(pickedSettings({ ...sheets, connectionType: null })).toEqual([]);
  });

  it('asks a picker for its options once what it depends on is chosen', () => {
    expect(pickerQuery(sheets.pickers[0], 'c1', {})).toBe('connectionId=c1');
    expect(pickerQuery(sheets.pickers[1], 'c1', {})).toBeNull();
    expect(pickerQuery(sheets.pickers[1], 'c1', { spreadsheet: ' 1AbC ' })).toBe('connectionId=c1&spreadsheet=1AbC');
  });
});
