// The chart-of-accounts load options (SPEC 2): what the file name says, what the form
// overrides, and how an import's options read in the history.

export const FILE_NAME_PATTERN =
  '<Customer>_<effectiveYear>_<isNew>_<startDate>_<isOverride>_Budget_<version>.csv';

export interface LoadOptionsFromName {
  customer: string;
  effective_year: string;
  is_new: string;
  start_date: string;
  is_override: string;
  version: string;
}

// The same shape the server reads (domain/budgets/filename.py): read from the right, so a
// customer may contain underscores; "Budget" and ".csv" in any case. Only a preview: the
// server decides and reports every bad token.
const CONVENTION =
  /^(?<customer>.+)_(?<effective_year>[^_]*)_(?<is_new>[^_]*)_(?<start_date>[^_]*)_(?<is_override>[^_]*)_budget_(?<version>.+)\.csv$/is;

/** The options a file name carries, as text; `null` when it does not follow the convention. */
export function optionsFromFileName(fileName: string): LoadOptionsFromName | null {
  const base = fileName.split(/[/\\]/).pop()?.trim() ?? '';
  const groups = CONVENTION.exec(base)?.groups;
  if (!groups) return null;
  return {
    customer: groups.customer,
    effective_year: groups.effective_year,
    is_new: groups.is_new.toLowerCase(),
    start_date: groups.start_date,
    is_override: groups.is_override.toLowerCase(),
    version: groups.version,
  };
}

/** The form's option fields; an empty string means "take it from the file name". */
export interface OptionFields {
  effective_year: string;
  is_new: '' | 'true' | 'false';
  start_date: string;
  is_override: '' | 'true' | 'false';
  version: string;
  customer: string;
}

export const NO_OPTIONS: OptionFields = {
  effective_year: '',
  is_new: '',
  start_date: '',
  is_override: '',
  version: '',
  customer: '',
};

export const OPTION_LABELS: Record<keyof OptionFields, string> = {
  effective_year: 'Effective year',
  is_new: 'Is new',
  start_date: 'Start date',
  is_override: 'Is override',
  version: 'Version',
  customer: 'Customer',
};

/** Only the options the user filled in are sent: the rest come from the file name. */
export function optionsToSend(fields: OptionFields): Partial<Record<keyof OptionFields, string | number>> {
  const sent: Partial<Record<keyof OptionFields, string | number>> = {};
  for (const key of Object.keys(fields) as (keyof OptionFields)[]) {
    const value = fields[key].trim();
    if (value === '') continue;
    sent[key] = key === 'effective_year' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return sent;
}

/** An import's options in one line for the history: "new year · from 2025-01-01 · v1 · E2E". */
export function describeOptions(options: Record<string, unknown>): string {
  const parts: string[] = [];
  if (options.is_new === true) parts.push('new year');
  if (options.is_override === true) parts.push('override');
  if (typeof options.start_date === 'string') parts.push(`from ${options.start_date}`);
  if (typeof options.version === 'string' && options.version) parts.push(`version ${options.version}`);
  if (typeof options.customer === 'string' && options.customer) parts.push(`customer ${options.customer}`);
  return parts.join(' · ');
}

/** Option errors (a `field`, no row) read as the option's label in the row-errors table. */
export function labelOptionErrors<E extends { row: number | null; column: string | null }>(errors: E[]): E[] {
  return errors.map((error) =>
    error.row === null && error.column !== null && error.column in OPTION_LABELS
      ? { ...error, column: `${OPTION_LABELS[error.column as keyof OptionFields]} (option)` }
      : error,
  );
}

export const COUNT_NAMES = ['created', 'updated', 'reactivated', 'retired', 'unchanged'] as const;
export type CountName = (typeof COUNT_NAMES)[number];
