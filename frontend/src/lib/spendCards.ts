// Spend cards (SPEC 5): labels, percentages and grouping for the cards pages. Pure, so tested.
import type { CardAction, CardStatus, Colour, SpendCardRead } from '../client';
import { ApiError } from './problem';

/** The colour is always shown with words (never colour alone): what it means for the budget. */
const COLOUR_LABELS: Record<Colour, string> = {
  black: 'On budget',
  green: 'Under budget',
  orange: 'Over budget',
  red: 'Well over budget',
};

export const COLOURS: readonly Colour[] = ['red', 'orange', 'black', 'green'];

export function colourLabel(colour: Colour): string {
  return COLOUR_LABELS[colour] ?? colour;
}

const STATUS_LABELS: Record<CardStatus, string> = {
  open: 'Open',
  accepted: 'Accepted',
  disputed: 'Disputed',
  approved: 'Approved',
  rejected: 'Rejected',
  resolved: 'Resolved',
};

export const STATUSES: readonly CardStatus[] = [
  'open',
  'accepted',
  'disputed',
  'rejected',
  'approved',
  'resolved',
];

export function cardStatusLabel(status: CardStatus): string {
  return STATUS_LABELS[status] ?? status;
}

const ACTIONS: Record<CardAction, { label: string; needsComment: boolean; done: string }> = {
  accept: { label: 'Accept', needsComment: false, done: 'accepted' },
  dispute: { label: 'Dispute', needsComment: true, done: 'disputed' },
  approve: { label: 'Approve', needsComment: false, done: 'approved' },
  reject: { label: 'Reject', needsComment: true, done: 'rejected' },
  resolve: { label: 'Resolve', needsComment: true, done: 'resolved' },
};

export function actionLabel(action: CardAction): string {
  return ACTIONS[action]?.label ?? action;
}

/** Dispute, reject and resolve need a comment: the other side must learn why. */
export function actionNeedsComment(action: CardAction): boolean {
  return ACTIONS[action]?.needsComment ?? false;
}

export function actionDone(action: CardAction): string {
  return ACTIONS[action]?.done ?? action;
}

/** A decision in the card's history ("Accepted", "Disputed", …). */
export function decisionLabel(action: CardAction): string {
  return cardStatusLabel((ACTIONS[action]?.done ?? action) as CardStatus);
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A ratio as a signed percentage with two decimals ("0.1234" → "+12.34 %"), computed on the
 * digits (no float); blank ratio (zero budget) → "—". */
export function formatRatio(ratio: string | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  const match = DECIMAL.exec(ratio.trim());
  if (!match) return ratio;
  const [, sign, whole, fraction = ''] = match;
  // hundredths of a percent = ratio × 10 000, half-up on the fifth decimal
  let basis = BigInt(whole) * 10000n + BigInt((fraction + '0000').slice(0, 4));
  if (fraction.length > 4 && fraction[4] >= '5') basis += 1n;
  const text = `${basis / 100n}.${(basis % 100n).toString().padStart(2, '0')} %`;
  if (basis === 0n) return `0.00 %`;
  return `${sign ? '−' : '+'}${text}`;
}

/** A share of the budget ("0.4" → "40.00 %"), unsigned. */
export function formatShare(ratio: string | null | undefined): string {
  const text = formatRatio(ratio);
  return text.replace(/^[+]/, '');
}

/** "2026-11-08" – "2026-11-14" → "8–14 Nov 2026" (text only: no time zone moves a day). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function periodLabel(start: string, end: string): string {
  const [sy, sm, sd] = start.split('-').map(Number);
  const [ey, em, ed] = end.split('-').map(Number);
  if (!sy || !ey) return `${start} – ${end}`;
  if (sy === ey && sm === em) {
    return sd === ed ? `${ed} ${MONTHS[em - 1]} ${ey}` : `${sd}–${ed} ${MONTHS[em - 1]} ${ey}`;
  }
  return `${sd} ${MONTHS[sm - 1]} ${sy} – ${ed} ${MONTHS[em - 1]} ${ey}`;
}

/** The billing month of a card ("YYYY-MM"), the month its period lies in. */
export function cardMonth(card: Pick<SpendCardRead, 'period_end'>): string {
  return card.period_end.slice(0, 7);
}

/** A card decided for good (approved or resolved). */
export function isClosed(card: Pick<SpendCardRead, 'status'>): boolean {
  return card.status === 'approved' || card.status === 'resolved';
}

/** Who must act now, in words ("Product Owner: Paul Product"); nobody once a card is closed,
 * or too old to be decided (only this month's and last month's cards are). */
export function pendingLabel(card: Pick<SpendCardRead, 'pending_side' | 'pending_with' | 'status'>): string {
  if (!card.pending_side) return isClosed(card) ? 'Nobody (closed)' : 'Nobody (too old to decide)';
  const side = card.pending_side === 'owner' ? 'Product Owner' : 'Portfolio Owner';
  const names = card.pending_with.map((p) => p.name);
  return names.length ? `${side}: ${names.join(', ')}` : `${side} (nobody assigned)`;
}

/** The product a card is for (the last step of its budget path). */
export function cardProduct(card: Pick<SpendCardRead, 'budget_path' | 'budget_id'>): string {
  return card.budget_path[card.budget_path.length - 1] ?? `Budget #${card.budget_id}`;
}

export type CardGrouping = 'status' | 'owner' | 'colour';

export interface CardGroup {
  key: string;
  label: string;
  cards: SpendCardRead[];
}

/** The monitor's groups: by status and colour in a fixed order, by owner alphabetically
 * (a card pending with two people is in both groups; cards waiting on nobody under "Nobody"). */
export function groupCards(cards: readonly SpendCardRead[], by: CardGrouping): CardGroup[] {
  const groups = new Map<string, CardGroup>();
  const add = (key: string, label: string, card: SpendCardRead) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, label, cards: [] }));
    group.cards.push(card);
  };
  for (const card of cards) {
    if (by === 'status') add(card.status, cardStatusLabel(card.status), card);
    else if (by === 'colour') add(card.figures.colour, colourLabel(card.figures.colour), card);
    else if (!card.pending_side || card.pending_with.length === 0) add('', 'Nobody', card);
    else for (const person of card.pending_with) add(person.email, person.name, card);
  }
  const order: readonly string[] = by === 'status' ? STATUSES : by === 'colour' ? COLOURS : [];
  return [...groups.values()].sort((a, b) => {
    if (order.length) return order.indexOf(a.key) - order.indexOf(b.key);
    if (a.key === '' || b.key === '') return a.key === '' ? 1 : -1;
    return a.label.localeCompare(b.label);
  });
}

export interface CardListFilter {
  colour: Colour | '';
  /** e-mail of a person the pending action is with; '' for anyone */
  owner: string;
}

/** The filters the API does not take (colour, who must act), applied to the fetched list. */
export function filterCards(cards: readonly SpendCardRead[], filter: CardListFilter): SpendCardRead[] {
  return cards.filter(
    (c) =>
      (!filter.colour || c.figures.colour === filter.colour) &&
      (!filter.owner || c.pending_with.some((p) => p.email === filter.owner)),
  );
}

/** Everybody some card waits on, by name, for the owner filter. */
export function pendingPeople(cards: readonly SpendCardRead[]): { email: string; name: string }[] {
  const people = new Map<string, string>();
  for (const card of cards) for (const p of card.pending_with) people.set(p.email, p.name);
  return [...people].map(([email, name]) => ({ email, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** A 409 on a card: somebody decided it (or it left the window) since it was read. */
export function isCardConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

/** The last `count` months up to `today`'s, newest first ("YYYY-MM"), for the month filter. */
export function recentMonths(today: string, count: number): string[] {
  let [year, month] = today.split('-').map(Number);
  const months: string[] = [];
  for (let i = 0; i < count; i++) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}

export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[m - 1] ?? month} ${y}`;
}
