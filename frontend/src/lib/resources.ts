// Claiming CUR resources to workloads (SPEC 3). A claim request is all or nothing; the 422
// lists every refused resource with a field such as `claims.0.resource_ids.3` (or
// `resource_ids.3` for a release), which names the resource by its place in the request.
import type { ClaimRead, ResourceRead } from '../client';
import { csvDecimal, type CsvColumn } from './csv';
import { ApiError } from './problem';

export interface RefusedResource {
  /** `null` when the problem is about the whole request (e.g. a closed month). */
  resourceId: string | null;
  message: string;
}

const RESOURCE_FIELD = /^(?:claims\.(\d+)\.)?resource_ids\.(\d+)$/;

/** Every refusal of a claim (or release) request, each tied to its resource. `requested` is
 * the request's resource ids per workload entry, in the order they were sent. */
export function refusedResources(
  error: unknown,
  requested: readonly (readonly string[])[],
): RefusedResource[] {
  if (!(error instanceof ApiError)) return [];
  return (error.problem.errors ?? []).map((item) => {
    const match = item.field ? RESOURCE_FIELD.exec(item.field) : null;
    const entry = match ? requested[Number(match[1] ?? 0)] : undefined;
    return { resourceId: entry?.[Number(match?.[2])] ?? null, message: item.message };
  });
}

/** Tags as one line of text ("env=prod, team=web"), sorted by key. */
export function formatTags(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => (tags[k] ? `${k}=${tags[k]}` : k))
    .join(', ');
}

export const RESOURCE_CSV_COLUMNS: CsvColumn<ResourceRead>[] = [
  { header: 'resource_id', value: (r) => r.resource_id },
  { header: 'service', value: (r) => r.service },
  { header: 'account_id', value: (r) => r.account_id },
  { header: 'region', value: (r) => r.region },
  { header: 'tags', value: (r) => formatTags(r.tags) },
  { header: 'cost', value: (r) => csvDecimal(r.cost) },
  { header: 'period', value: (r) => r.period },
];

export function claimCsvColumns(
  workloadName: (id: number) => string,
  budgetName: (id: number) => string,
): CsvColumn<ClaimRead>[] {
  return [
    { header: 'claim_id', value: (c) => c.id },
    { header: 'resource_id', value: (c) => c.resource_id },
    { header: 'account_id', value: (c) => c.account_id },
    { header: 'budget_id', value: (c) => c.budget_id },
    { header: 'budget', value: (c) => budgetName(c.budget_id) },
    { header: 'workload_id', value: (c) => c.workload_id },
    { header: 'workload', value: (c) => workloadName(c.workload_id) },
    { header: 'claimed_at', value: (c) => c.claimed_at },
    { header: 'claimed_by', value: (c) => c.claimed_by },
    { header: 'effective_from', value: (c) => c.effective_from },
    { header: 'status', value: (c) => c.status },
    { header: 'released_at', value: (c) => c.released_at },
    { header: 'released_by', value: (c) => c.released_by },
    { header: 'effective_to', value: (c) => c.effective_to },
  ];
}

/** Claims matching a search: part of the resource id, the account, or the workload's name. */
export function filterClaims<C extends Pick<ClaimRead, 'resource_id' | 'account_id' | 'workload_id'>>(
  claims: readonly C[],
  text: string,
  workloadName: (id: number) => string,
): C[] {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...claims];
  return claims.filter((c) => {
    const haystack = `${c.resource_id} ${c.account_id} ${workloadName(c.workload_id)}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}
