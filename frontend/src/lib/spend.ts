// Allocated spend as the API sends it (`GET /spend`): rows keyed by budget (null: the
// Unallocated bucket, which only finance roles receive), amounts as decimal strings.
import type { SpendRow } from '../client';
import { csvDecimal, type CsvColumn } from './csv';
import { toCents } from './money';

export const UNALLOCATED = 'Unallocated';

/** The newest billing period (`YYYY-MM` sorts as text). */
export function latestPeriod(periods: readonly string[]): string | null {
  return periods.reduce<string | null>((latest, p) => (latest === null || p > latest ? p : latest), null);
}

/** The `n` largest rows, largest first (ties by budget id, so the order is stable). */
export function topSpend(rows: readonly SpendRow[], n = 10): SpendRow[] {
  return [...rows]
    .sort((a, b) => {
      const diff = (toCents(b.amount) ?? 0n) - (toCents(a.amount) ?? 0n);
      if (diff !== 0n) return diff > 0n ? 1 : -1;
      return (a.budget_id ?? -1) - (b.budget_id ?? -1);
    })
    .slice(0, n);
}

/** A spend row's budget in words: its name, "Unallocated", or its id when the name is not
 * known (a budget of another year, or retired). */
export function spendBudgetLabel(
  row: Pick<SpendRow, 'budget_id'>,
  names: ReadonlyMap<number, string>,
): string {
  if (row.budget_id === null || row.budget_id === undefined) return UNALLOCATED;
  return names.get(row.budget_id) ?? `Budget #${row.budget_id}`;
}

/** The amount of one budget in a by-budget answer ("0.00" when it had none). */
export function spendOfBudget(rows: readonly SpendRow[], budgetId: number): string {
  return rows.find((r) => r.budget_id === budgetId)?.amount ?? '0.00';
}

export function spendCsvColumns(
  period: string,
  names: ReadonlyMap<number, string>,
  currency: string,
): CsvColumn<SpendRow>[] {
  return [
    { header: 'period', value: () => period },
    { header: 'budget_id', value: (r) => r.budget_id ?? null },
    { header: 'budget', value: (r) => spendBudgetLabel(r, names) },
    { header: 'amount', value: (r) => csvDecimal(r.amount) },
    { header: 'currency', value: () => currency },
  ];
}
