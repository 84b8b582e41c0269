/**
 * The words the UI shows for the API's ids, in one place: column types, how a run was started, catalog categories, and
 * setting or product names that come as keys. A screen never shows an id where a person reads a word.
 */

/** Abbreviations written in capitals (or their own way) inside a name. */
const ACRONYMS: Record<string, string> = {
  api: 'API', bom: 'BOM', crm: 'CRM', csv: 'CSV', http: 'HTTP', https: 'HTTPS', id: 'ID', ids: 'IDs', ip: 'IP',
  jql: 'JQL', json: 'JSON', ndjson: 'NDJSON', oauth: 'OAuth', sql: 'SQL', ssl: 'SSL', tls: 'TLS', uri: 'URI', url: 'URL',
  urls: 'URLs', utc: 'UTC', xlsx: 'XLSX',
};

/** A key's words: camelCase, snake_case, kebab-case and dotted keys alike ("HTTPHeaders" → HTTP, Headers). */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((w) => w !== '');
}

const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** A setting's key as a label, in sentence case: "clientSecret" → "Client secret", "api_key" → "API key", "baseUrl" → "Base URL". */
export function humanize(key: string): string {
  const parts = words(key).map((w) => ACRONYMS[w.toLowerCase()] ?? w.toLowerCase());
  if (parts.length === 0) return key;
  parts[0] = capital(parts[0]);
  return parts.join(' ');
}

/** A product's id as its name, each word capitalised: "google-sheets" → "Google Sheets", "excel-online" → "Excel Online". */
export function nameOfId(id: string): string {
  const parts = words(id).map((w) => ACRONYMS[w.toLowerCase()] ?? capital(w.toLowerCase()));
  return parts.length === 0 ? id : parts.join(' ');
}

/**
 * Column types as the transform's type menu names them: the pipeline's "string" is "text" there, so it is here too.
 * The menu's own values (text, integer, …) are their own names.
 */
const COLUMN_TYPES: Record<string, string> = {
  string: 'text', text: 'text', integer: 'integer', decimal: 'decimal', boolean: 'boolean', date: 'date',
  timestamp: 'timestamp', json: 'JSON',
};

export function typeLabel(type: string | null | undefined): string {
  if (!type) return '';
  return COLUMN_TYPES[type.toLowerCase()] ?? type.toLowerCase();
}

/** How a run was started (the API's trigger), as the words after "Started": "by hand", "on schedule", … */
const TRIGGERS: Record<string, string> = {
  manual: 'by hand', schedule: 'on schedule', webhook: 'by webhook', chain: 'after another flow', retry: 'as a retry',
};

export function triggerLabel(trigger: string | null | undefined): string {
  if (!trigger) return '—';
  return TRIGGERS[trigger] ?? humanize(trigger).toLowerCase();
}

/** Catalog categories in the order the connector picker shows them, each with its heading. */
export const CATEGORIES: { id: string; label: string }[] = [
  { id: 'crm', label: 'CRM' },
  { id: 'project-management', label: 'Project management' },
  { id: 'spreadsheets', label: 'Spreadsheets' },
  { id: 'database', label: 'Databases' },
  { id: 'warehouses', label: 'Data warehouses' },
  { id: 'ecommerce', label: 'E-commerce' },
  { id: 'payments', label: 'Payments' },
  { id: 'messaging', label: 'Messaging' },
  { id: 'files', label: 'Files and URLs' },
  { id: 'other', label: 'Other' },
  { id: 'samples', label: 'Sample data, to try Rowflow' },
];

/** Other spellings of a category id, as a connector might give it. */
const CATEGORY_ALIASES: Record<string, string> = { databases: 'database', 'e-commerce': 'ecommerce', spreadsheet: 'spreadsheets', warehouse: 'warehouses' };

const canonicalCategory = (id: string) => CATEGORY_ALIASES[id.toLowerCase()] ?? id.toLowerCase();

export function categoryLabel(id: string | null | undefined): string {
  if (!id) return 'Other';
  const category = canonicalCategory(id);
  return CATEGORIES.find((c) => c.id === category)?.label ?? humanize(id);
}

/** Where a category comes in the picker: the known ones in their order, an unknown one after them, "other" last. */
export function categoryRank(id: string | null | undefined): number {
  const category = canonicalCategory(id ?? 'other');
  if (category === 'other') return CATEGORIES.length + 1;
  const index = CATEGORIES.findIndex((c) => c.id === category);
  return index < 0 ? CATEGORIES.length : index;
}

/** The category a connector is listed under (aliases folded together). */
export const categoryOf = (id: string | null | undefined) => canonicalCategory(id || 'other');
