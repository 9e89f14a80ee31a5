import { useMemo, useState } from 'react';
import type { CardStatus, Colour } from '../../client';
import type { SpendCardFilters } from '../../api/queryKeys';
import { useCurrentUser } from '../../components/AppShell';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField } from '../../components/Field';
import { hasAny } from '../../lib/navigation';
import {
  COLOURS,
  STATUSES,
  cardStatusLabel,
  colourLabel,
  filterCards,
  groupCards,
  monthLabel,
  pendingPeople,
  recentMonths,
  type CardGrouping,
} from '../../lib/spendCards';
import { usePageTitle } from '../../lib/usePageTitle';
import { useSpendCards } from './hooks';
import { SpendCardsTable } from './SpendCardsTable';

const PAGE = 100;

function thisMonth(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
}

/** Management roles (deciders, finance, the owners above products) get the monitor: group
 * and filter by who must act. Product Owners see their own cards to answer. */
function isManagement(permissions: readonly string[]): boolean {
  return (
    hasAny(permissions, ['decide_spend_cards', 'view_all_spend']) ||
    (permissions.includes('monitor') && !permissions.includes('respond_spend_cards'))
  );
}

export function SpendCardsPage() {
  usePageTitle('Spend cards');
  const me = useCurrentUser();
  const management = isManagement(me.permissions);
  const [month, setMonth] = useState('');
  const [status, setStatus] = useState<CardStatus | ''>('');
  const [colour, setColour] = useState<Colour | ''>('');
  const [owner, setOwner] = useState('');
  const [grouping, setGrouping] = useState<CardGrouping | ''>('');
  const [shown, setShown] = useState(PAGE);

  const filters: SpendCardFilters = { ...(month ? { period: month } : {}), ...(status ? { status } : {}) };
  const cards = useSpendCards(filters);
  const all = useMemo(() => cards.data ?? [], [cards.data]);
  const visible = useMemo(() => filterCards(all, { colour, owner }), [all, colour, owner]);
  const people = useMemo(() => pendingPeople(all), [all]);
  const months = useMemo(() => recentMonths(thisMonth(), 13), []);
  const counts = useMemo(() => groupCards(visible, 'status'), [visible]);
  const filtered = Boolean(month || status || colour || owner);

  function clear() {
    setMonth('');
    setStatus('');
    setColour('');
    setOwner('');
    setShown(PAGE);
  }

  return (
    <section>
      <h1 id="cards-title">Spend cards</h1>
      <p className="muted">
        Each product budget&apos;s spend, week by week (Sunday to Saturday, cut at month ends), against its
        approved schedule.{' '}
        {management
          ? 'Monitor who must act; open a card to decide on it.'
          : 'Open a card to accept or dispute it.'}
      </p>
      <FilterBar label="Filter the spend cards">
        <SelectField
          id="cards-month"
          label="Month"
          empty="All months"
          value={month}
          onValue={(v) => {
            setMonth(v);
            setShown(PAGE);
          }}
          options={months.map((m) => ({ value: m, label: monthLabel(m) }))}
        />
        <SelectField
          id="cards-status"
          label="Status"
          empty="Any status"
          value={status}
          onValue={(v) => {
            setStatus(v as CardStatus | '');
            setShown(PAGE);
          }}
          options={STATUSES.map((s) => ({ value: s, label: cardStatusLabel(s) }))}
        />
        <SelectField
          id="cards-colour"
          label="Colour"
          empty="Any colour"
          value={colour}
          onValue={(v) => {
            setColour(v as Colour | '');
            setShown(PAGE);
          }}
          options={COLOURS.map((c) => ({ value: c, label: `${colourLabel(c)} (${c})` }))}
        />
        {management ? (
          <>
            <SelectField
              id="cards-owner"
              label="Who must act"
              empty="Anyone"
              value={owner}
              onValue={(v) => {
                setOwner(v);
                setShown(PAGE);
              }}
              options={people.map((p) => ({ value: p.email, label: p.name }))}
            />
            <SelectField
              id="cards-group"
              label="Group by"
              empty="No grouping"
              value={grouping}
              onValue={(v) => setGrouping(v as CardGrouping | '')}
              options={[
                { value: 'status', label: 'Status' },
                { value: 'owner', label: 'Who must act' },
                { value: 'colour', label: 'Colour' },
              ]}
            />
          </>
        ) : null}
        <div className="field field-end actions">
          <button type="button" className="secondary" onClick={clear} disabled={!filtered}>
            Clear filters
          </button>
        </div>
      </FilterBar>
      <ErrorNotice error={cards.error} prefix="The spend cards could not be loaded" />
      {cards.isError ? (
        <button type="button" onClick={() => void cards.refetch()}>
          Try again
        </button>
      ) : null}
      {cards.isPending ? (
        <p className="loading">Loading spend cards…</p>
      ) : cards.data ? (
        all.length === 0 ? (
          <p className="empty-state">
            {filtered
              ? 'No spend cards match these filters.'
              : 'No spend cards yet. A budget gets its first card the Monday after a week of spend once its schedule is approved.'}
          </p>
        ) : (
          <>
            {management ? (
              <ul className="card-counts" aria-label="Cards by status">
                {counts.map((g) => (
                  <li key={g.key}>
                    <button
                      type="button"
                      className="link-button"
                      aria-pressed={status === g.key}
                      onClick={() => setStatus(status === g.key ? '' : (g.key as CardStatus))}
                    >
                      {g.label}: <strong>{g.cards.length}</strong>
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            <p className="muted" aria-live="polite">
              {visible.length} card{visible.length === 1 ? '' : 's'}
              {visible.length !== all.length ? ` of ${all.length}` : ''}
              {cards.isFetching ? ' (updating…)' : ''}
            </p>
            {visible.length === 0 ? (
              <p className="empty-state">No spend cards match these filters.</p>
            ) : management && grouping ? (
              groupCards(visible, grouping).map((g) => (
                <section
                  key={g.key}
                  className="card-group"
                  aria-labelledby={`group-${grouping}-${g.key || 'none'}`}
                >
                  <h2 id={`group-${grouping}-${g.key || 'none'}`}>
                    {g.label} <span className="muted">({g.cards.length})</span>
                  </h2>
                  <SpendCardsTable cards={g.cards.slice(0, shown)} label={`Spend cards: ${g.label}`} />
                </section>
              ))
            ) : (
              <SpendCardsTable cards={visible.slice(0, shown)} label="Spend cards" />
            )}
            {(grouping && management
              ? Math.max(...groupCards(visible, grouping).map((g) => g.cards.length))
              : visible.length) > shown ? (
              <button type="button" className="secondary" onClick={() => setShown(shown + PAGE)}>
                Show {PAGE} more
              </button>
            ) : null}
          </>
        )
      ) : null}
    </section>
  );
}
