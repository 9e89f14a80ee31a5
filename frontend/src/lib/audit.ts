// A one-line account of what an audit event changed, for the table and the CSV.

type Snapshot = Record<string, unknown> | null | undefined;

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A name a person recognises for the changed object (an e-mail, a name), when it has one. */
export function entityLabel(before: Snapshot, after: Snapshot): string {
  for (const key of ['email', 'name', 'code']) {
    const value = after?.[key] ?? before?.[key];
    if (typeof value === 'string' && value) return value;
  }
  return '';
}

export function describeChanges(before: Snapshot, after: Snapshot): string {
  if (!before && !after) return '';
  if (!before) {
    return Object.entries(after ?? {})
      .map(([key, value]) => `${key}: ${show(value)}`)
      .join('; ');
  }
  if (!after) return 'removed';
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${key}: ${show(before[key])} → ${show(after[key])}`)
    .join('; ');
}
