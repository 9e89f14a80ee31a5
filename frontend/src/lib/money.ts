// Budget amounts arrive as decimal strings ("1234.50", NUMERIC(18,2) on the server). They are
// formatted and summed as integer cents (BigInt), never as floats, so no cent is ever lost.

/** The currency of every amount (SPEC: USD unless configured; the API does not say yet). */
export const CURRENCY = 'USD';

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "1234.505" → 123451n (half-up, away from zero, as the server rounds); `null` if not a number. */
export function toCents(decimal: string): bigint | null {
  const match = DECIMAL.exec(decimal.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  let cents = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  if (fraction.length > 2 && fraction[2] >= '5') cents += 1n;
  return sign && cents !== 0n ? -cents : cents;
}

/** 123450n → "1234.50": the plain form the API and CSV files use. */
export function centsToDecimal(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = (abs / 100n).toString();
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1234.5" → "1,234.50" (the column header names the currency). Text that is not a
 * decimal is shown as it came, rather than hidden. */
export function formatAmount(decimal: string): string {
  const cents = toCents(decimal);
  if (cents === null) return decimal;
  const plain = centsToDecimal(cents);
  const negative = plain.startsWith('-');
  const [whole, fraction] = (negative ? plain.slice(1) : plain).split('.');
  return `${negative ? '-' : ''}${group(whole)}.${fraction}`;
}

/** The exact sum of decimal strings, as a decimal string ("0.00" for none). */
export function sumAmounts(amounts: readonly string[]): string {
  let total = 0n;
  for (const amount of amounts) total += toCents(amount) ?? 0n;
  return centsToDecimal(total);
}
