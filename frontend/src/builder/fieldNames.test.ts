import { describe, expect, it } from 'vitest';
import { fieldName, shownBesideItsField } from './fieldNames';

describe('fieldName', () => {
  it('names the API paths as the builder labels them', () => {
    expect(fieldName('name')).toBe('Flow name');
    expect(fieldName('sources[0].connectionId')).toBe('Source 1: connection');
    expect(fieldName('sources[1].stream')).toBe('Source 2: data');
    expect(fieldName('sources[0].parameters.since')).toBe('Source 1: settings for this flow');
    expect(fieldName('transform.steps[2].expression')).toBe('Transform, step 3');
    expect(fieldName('transform.combine.joins[0].on')).toBe('Combine the sources, join 1');
    expect(fieldName('schedule.times[0]')).toBe('Schedule');
    expect(fieldName('destinations[0].settings.sheetName', (d, s) => (d === 0 && s === 'sheetName' ? 'Sheet name' : undefined)))
      .toBe('Destination 1: Sheet name');
    expect(fieldName('destinations[1].settings.table')).toBe('Destination 2: table');
    expect(fieldName('destinations[0]')).toBe('Destination 1');
  });

  it('knows which errors already stand beside their field', () => {
    expect(shownBesideItsField('name')).toBe(true);
    expect(shownBesideItsField('sources[0].connectionId')).toBe(true);
    expect(shownBesideItsField('destinations[0].settings.sheetName')).toBe(true);
    expect(shownBesideItsField('transform.steps[2].expression')).toBe(false);
    expect(shownBesideItsField('schedule.times[0]')).toBe(false);
  });
});
