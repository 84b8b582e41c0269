import { describe, expect, it } from 'vitest';
import { categoryLabel, categoryRank, humanize, nameOfId, triggerLabel, typeLabel } from './labels';

describe('labels', () => {
  it('turns setting keys into sentence-case labels, abbreviations in capitals', () => {
    expect(humanize('clientSecret')).toBe('Client secret');
    expect(humanize('api_key')).toBe('API key');
    expect(humanize('baseUrl')).toBe('Base URL');
    expect(humanize('cloud_id')).toBe('Cloud ID');
    expect(humanize('HTTPHeaders')).toBe('HTTP headers');
    expect(humanize('skipRows')).toBe('Skip rows');
    expect(humanize('url')).toBe('URL');
  });

  it('names a product by its id when the catalog does not', () => {
    expect(nameOfId('google-sheets')).toBe('Google Sheets');
    expect(nameOfId('excel')).toBe('Excel');
    expect(nameOfId('csv-url')).toBe('CSV URL');
  });

  it('names column types as the transform menu does', () => {
    expect(typeLabel('string')).toBe('text');
    expect(typeLabel('text')).toBe('text');
    expect(['integer', 'decimal', 'boolean', 'date', 'timestamp'].map(typeLabel))
      .toEqual(['integer', 'decimal', 'boolean', 'date', 'timestamp']);
    expect(typeLabel('json')).toBe('JSON');
    expect(typeLabel(undefined)).toBe('');
  });

  it('says how a run was started in words', () => {
    expect(triggerLabel('manual')).toBe('by hand');
    expect(triggerLabel('schedule')).toBe('on schedule');
    expect(triggerLabel('webhook')).toBe('by webhook');
    expect(triggerLabel('chain')).toBe('after another flow');
    expect(triggerLabel('retry')).toBe('as a retry');
    expect(triggerLabel('backfill_job')).toBe('backfill job');
  });

  it('names catalog categories and orders them, unknown ones before "Other"', () => {
    expect(categoryLabel('crm')).toBe('CRM');
    expect(categoryLabel('project-management')).toBe('Project management');
    expect(categoryLabel('files')).toBe('Files and URLs');
    expect(categoryLabel('databases')).toBe('Databases');
    expect(categoryLabel('e-commerce')).toBe('E-commerce');
    expect(categoryLabel('marketing-automation')).toBe('Marketing automation');
    expect(categoryRank('crm')).toBeLessThan(categoryRank('files'));
    expect(categoryRank('marketing-automation')).toBeLessThan(categoryRank('other'));
  });
});
