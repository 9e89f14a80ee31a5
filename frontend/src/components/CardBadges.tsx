import type { CardStatus, Colour } from '../client';
import { cardStatusLabel, colourLabel } from '../lib/spendCards';

/** The card's colour, always with its meaning in words (colour is never the only signal). */
export function ColourBadge({ colour }: { colour: Colour }) {
  return (
    <span className={`badge card-colour card-colour-${colour}`} data-colour={colour}>
      <span className="colour-dot" aria-hidden="true" />
      {colourLabel(colour)}
    </span>
  );
}

export function CardStatusBadge({ status }: { status: CardStatus }) {
  const closed = status === 'approved' || status === 'resolved';
  return (
    <span
      className={`badge ${closed ? 'badge-ok' : 'badge-off'} card-status-${status}`}
      data-card-status={status}
    >
      {cardStatusLabel(status)}
    </span>
  );
}
