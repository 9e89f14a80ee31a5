// AWS accounts (SPEC 3): 12-digit ids (text: leading zeros matter), a type, a source.
import type { AccountRead, AccountSource, AccountType, DiscoveryRead } from '../client';
import type { CsvColumn } from './csv';

// Typed against the generated unions: a type added on the server fails the build until it
// has a label here.
export const ACCOUNT_TYPES: readonly AccountType[] = [
  'Production',
  'Pre-Production',
  'Shared',
  'Development',
  'Sandbox',
];

export const SOURCE_LABELS: Record<AccountSource, string> = {
  organizations: 'AWS Organizations',
  cur: 'Cost and Usage Report',
  manual: 'Added by hand',
};

export function sourceLabel(source: string): string {
  return (SOURCE_LABELS as Record<string, string>)[source] ?? source;
}

/** "Check for new accounts" in one sentence, and what each source said. */
export function discoverySummary(result: DiscoveryRead): string {
  const parts = [
    `${result.created.length} new`,
    `${result.updated.length} updated`,
    `${result.unchanged} unchanged`,
  ];
  const sources = Object.entries(result.sources)
    .map(
      ([name, status]) =>
        `${name === 'cur' ? 'CUR' : name === 'organizations' ? 'AWS Organizations' : name}: ${status}`,
    )
    .join('; ');
  return `${parts.join(', ')}.${sources ? ` Sources — ${sources}.` : ''}`;
}

export const ACCOUNT_CSV_COLUMNS: CsvColumn<AccountRead>[] = [
  { header: 'account_id', value: (a) => a.account_id },
  { header: 'name', value: (a) => a.name },
  { header: 'email', value: (a) => a.email },
  { header: 'account_type', value: (a) => a.account_type },
  { header: 'source', value: (a) => a.source },
  { header: 'status', value: (a) => a.status },
  { header: 'vended_date', value: (a) => a.vended_date },
];
