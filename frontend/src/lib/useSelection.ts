import { useState } from 'react';

/** Add or remove one id from a selection (a new Set, for React state). */
export function toggled<T>(selection: ReadonlySet<T>, id: T, on?: boolean): Set<T> {
  const next = new Set(selection);
  if (on ?? !next.has(id)) next.add(id);
  else next.delete(id);
  return next;
}

export interface Selection<Row> {
  /** The rows shown that are ticked, in the order shown. */
  chosen: Row[];
  /** Every row shown is ticked (and there is at least one): the "select all" box. */
  allSelected: boolean;
  isSelected: (row: Row) => boolean;
  toggle: (row: Row, on: boolean) => void;
  /** Ticks every row shown, or unticks everything. */
  selectAll: (on: boolean) => void;
  clear: () => void;
}

/** The ticked rows of a table with a checkbox per row and a "select all" box, by key. Only
 * the rows shown count: a key ticked before its row left the list (a filter, a refetch) is
 * kept, and counts again when the row comes back. */
export function useSelection<Row, Key>(rows: readonly Row[], keyOf: (row: Row) => Key): Selection<Row> {
  const [picked, setPicked] = useState<ReadonlySet<Key>>(() => new Set());
  const chosen = rows.filter((row) => picked.has(keyOf(row)));
  return {
    chosen,
    allSelected: rows.length > 0 && chosen.length === rows.length,
    isSelected: (row) => picked.has(keyOf(row)),
    toggle: (row, on) => setPicked((current) => toggled(current, keyOf(row), on)),
    selectAll: (on) => setPicked(on ? new Set(rows.map(keyOf)) : new Set()),
    clear: () => setPicked(new Set()),
  };
}
