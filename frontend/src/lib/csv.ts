// Client-side CSV export. Cells are quoted per RFC 4180 and text that a spreadsheet would
// run as a formula (= + - @, and tab / carriage return that some apps strip first) is
// prefixed with an apostrophe (OWASP "CSV injection"). Numbers are written as numbers:
// a negative amount is data, not a formula, and finance needs it to stay numeric.

/** An exact decimal from the API ("1234.50"): written as it is, a number to a spreadsheet,
 * without the float round trip that would drop the trailing zero or digits beyond 15. */
export interface CsvDecimal {
  readonly decimal: string;
}

export type CsvValue = string | number | boolean | CsvDecimal | null | undefined;

export function csvDecimal(text: string): CsvDecimal {
  return { decimal: text };
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'number'
      ? Number.isFinite(value)
        ? String(value)
        : ''
      : typeof value === 'boolean'
        ? String(value)
        : typeof value === 'object'
          ? DECIMAL.test(value.decimal)
            ? value.decimal
            : neutraliseFormula(value.decimal)
          : neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** `users-2025-11-27.csv`: the list's name and today's date. */
export function csvFileName(list: string, today: Date = new Date()): string {
  const date = today.toISOString().slice(0, 10);
  return `${list}-${date}.csv`;
}

/** Offer the text as a download. The BOM makes Excel read UTF-8 names correctly. */
export function downloadCsv(fileName: string, csv: string): void {
  const blob = new Blob(['\uFEFF', csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
