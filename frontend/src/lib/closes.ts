// Month close (SPEC 8): labels and parsing for the Close month page. Pure, so tested.
import type { CloseEventRead, PeriodStatusRead, ReadinessRead } from '../client';

/** What a billing period's state is, in words. */
export function periodStateLabel(p: Pick<PeriodStatusRead, 'closed' | 'finalized'>): string {
  if (p.closed) return 'Closed';
  return p.finalized ? 'Final, open' : 'Not final yet';
}

/** The invoice numbers typed one per line or comma-separated: trimmed, blanks and repeats dropped. */
export function parseInvoiceNumbers(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\n,;]/)) {
    const value = part.trim();
    if (value) seen.add(value);
  }
  return [...seen];
}

export function invoiceNumbersText(numbers: readonly string[]): string {
  return numbers.join('\n');
}

/** The readiness as one sentence: ready, or what is missing. */
export function readinessSummary(r: ReadinessRead): string {
  if (r.ready) return 'Ready to close: the CUR shows the month final and the checklist is complete.';
  const count = r.missing.length;
  return `Not ready: ${count} item${count === 1 ? '' : 's'} missing.`;
}

/** A close or reopen of the history, in words. */
export function historyLine(e: Pick<CloseEventRead, 'kind' | 'by' | 'at' | 'reason'>): string {
  const when = e.at.slice(0, 16).replace('T', ' ');
  const what = e.kind === 'close' ? 'Closed' : 'Reopened';
  return `${what} by ${e.by} on ${when} UTC${e.reason ? ` — ${e.reason}` : ''}`;
}

/** The first 12 hex digits of a SHA-256: enough to compare two files by eye. */
export function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** The default period to show: the newest final month that is still open, else the newest. */
export function defaultPeriod(periods: readonly PeriodStatusRead[]): string | undefined {
  return (periods.find((p) => p.finalized && !p.closed) ?? periods[0])?.period;
}
