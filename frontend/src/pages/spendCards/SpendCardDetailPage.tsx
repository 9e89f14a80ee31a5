import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { CardAction, MoverRead, SpendCardDetail } from '../../client';
import { Amount } from '../../components/Amount';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../lib/format';
import { formatProblem } from '../../lib/problem';
import {
  actionDone,
  actionLabel,
  actionNeedsComment,
  cardProduct,
  decisionLabel,
  formatRatio,
  formatShare,
  isCardConflict,
  isClosed,
  pendingLabel,
  periodLabel,
} from '../../lib/spendCards';
import { usePageTitle } from '../../lib/usePageTitle';
import { CardStatusBadge, ColourBadge } from '../../components/CardBadges';
import { useCardAction, useSpendCard } from './hooks';

export function SpendCardDetailPage() {
  const id = Number(useParams().id);
  const card = useSpendCard(id);
  usePageTitle(card.data ? `Spend card: ${cardProduct(card.data)}` : 'Spend card');
  return (
    <section className="spend-card-page">
      <p>
        <Link to="/spend-cards">← All spend cards</Link>
      </p>
      {card.isPending ? (
        <p className="loading">Loading the spend card…</p>
      ) : card.isError ? (
        <>
          <h1>Spend card</h1>
          <ErrorNotice error={card.error} prefix="The spend card could not be loaded" />
          <button type="button" onClick={() => void card.refetch()}>
            Try again
          </button>
        </>
      ) : (
        <CardView card={card.data} reload={() => void card.refetch()} />
      )}
    </section>
  );
}

function CardView({ card, reload }: { card: SpendCardDetail; reload: () => void }) {
  const f = card.figures;
  return (
    <>
      <h1>
        {cardProduct(card)}: {periodLabel(card.period_start, card.period_end)}
      </h1>
      <p className="muted">{card.budget_path.join(' › ')}</p>
      <div className="card-heading">
        <ColourBadge colour={f.colour} /> <CardStatusBadge status={card.status} />{' '}
        <span>Who must act: {pendingLabel(card)}</span> <span className="muted">Version {card.version}</span>
      </div>
      <div className="card-grid">
        <section className="card" aria-labelledby="figures-title">
          <h2 id="figures-title">Figures (USD)</h2>
          <table className="data-table figures-table" aria-labelledby="figures-title">
            <tbody>
              <Row label="Actual" value={f.actual} />
              <Row label="Budget (daily budget × days)" value={f.budget} />
              <Row label="Variance" value={f.variance} extra={formatRatio(f.variance_ratio)} />
              <Row label="Month to date" value={f.month_to_date} />
              <Row label="Month-to-date budget" value={f.month_to_date_budget} />
              <Row label="Month's schedule" value={f.month_scheduled} />
              <Row label="Month-end forecast (run rate)" value={f.forecast} />
              <Row label="Forecast vs schedule" value={f.forecast_variance} />
            </tbody>
          </table>
        </section>
        <DecisionPanel card={card} reload={reload} />
      </div>
      {card.corrections.length > 0 ? (
        <section className="card" aria-labelledby="corrections-title">
          <h2 id="corrections-title">Late CUR corrections carried</h2>
          <ul>
            {card.corrections.map((c) => (
              <li key={c.period_end}>
                {periodLabel(c.period_start, c.period_end)}: was <Amount value={c.was} />, now{' '}
                <Amount value={c.now} /> (
                <Amount value={c.delta} />)
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {card.notes.length > 0 ? (
        <section className="card" aria-labelledby="notes-title">
          <h2 id="notes-title">Notes</h2>
          <ul>
            {card.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="why-title">
        <h2 id="why-title">Why: what moved the spend</h2>
        <Movers
          id="movers-previous"
          title="Against the previous period (at this period's length)"
          movers={card.why.against_previous}
          mode="previous"
        />
        <Movers
          id="movers-budget"
          title="Against the daily budget"
          movers={card.why.against_budget}
          mode="budget"
        />
        <section className="card" aria-labelledby="new-resources-title">
          <h3 id="new-resources-title">
            New resources <span className="muted">({card.why.new_resource_count} in all)</span>
          </h3>
          {card.why.new_resources.length === 0 ? (
            <p className="muted">No resource was used for the first time in this period.</p>
          ) : (
            <table className="data-table" aria-labelledby="new-resources-title">
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">First used</th>
                  <th scope="col" className="num">
                    Spend (USD)
                  </th>
                </tr>
              </thead>
              <tbody>
                {card.why.new_resources.map((r) => (
                  <tr key={r.name}>
                    <th scope="row" className="wrap-anywhere">
                      {r.name}
                    </th>
                    <td>{r.first_seen}</td>
                    <td className="num">
                      <Amount value={r.current} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </section>
      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title">Decisions</h2>
        {card.decisions.length === 0 ? (
          <p className="muted">No decision yet.</p>
        ) : (
          <ol className="decision-list">
            {card.decisions.map((d) => (
              <li key={`${d.action}-${d.at}`}>
                {decisionLabel(d.action)} by user #{d.by}, {formatDateTime(d.at)}
                {d.comment ? <>: “{d.comment}”</> : null}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function Row({ label, value, extra }: { label: string; value: string; extra?: string }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num">
        <Amount value={value} /> {extra ? <span className="muted">{extra}</span> : null}
      </td>
    </tr>
  );
}

function Movers({
  id,
  title,
  movers,
  mode,
}: {
  id: string;
  title: string;
  movers: MoverRead[];
  mode: 'previous' | 'budget';
}) {
  const services = movers.filter((m) => m.kind === 'service');
  const resources = movers.filter((m) => m.kind === 'resource');
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{title}</h3>
      {movers.length === 0 ? (
        <p className="muted">No spend to explain in this period.</p>
      ) : (
        [
          ['Services', services],
          ['Resources', resources],
        ].map(([kind, rows]) =>
          (rows as MoverRead[]).length === 0 ? null : (
            <table
              key={kind as string}
              className="data-table movers-table"
              aria-label={`${title}: ${kind as string}`}
            >
              <thead>
                <tr>
                  <th scope="col">{kind as string}</th>
                  <th scope="col" className="num">
                    This period (USD)
                  </th>
                  {mode === 'previous' ? (
                    <>
                      <th scope="col" className="num">
                        Previous (USD)
                      </th>
                      <th scope="col" className="num">
                        Change (USD)
                      </th>
                    </>
                  ) : (
                    <th scope="col" className="num">
                      Share of budget
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {(rows as MoverRead[]).map((m) => (
                  <tr key={m.name}>
                    <th scope="row" className="wrap-anywhere">
                      {m.name}
                    </th>
                    <td className="num">
                      <Amount value={m.current} />
                    </td>
                    {mode === 'previous' ? (
                      <>
                        <td className="num">
                          <Amount value={m.previous} />
                        </td>
                        <td className="num">
                          <Amount value={m.change} />
                        </td>
                      </>
                    ) : (
                      <td className="num">{formatShare(m.share_of_budget)}</td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          ),
        )
      )}
    </section>
  );
}

/** The decisions the caller may take now (the server's `actions`), with the version read. */
function DecisionPanel({ card, reload }: { card: SpendCardDetail; reload: () => void }) {
  const act = useCardAction();
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState<CardAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const conflict = isCardConflict(error);

  async function run(action: CardAction) {
    setDone(null);
    setError(null);
    const text = comment.trim();
    if (actionNeedsComment(action) && !text) {
      setMissing(action);
      document.getElementById('card-comment')?.focus();
      return;
    }
    setMissing(null);
    try {
      await act.mutateAsync({ id: card.id, action, version: card.version, comment: text || undefined });
      setComment('');
      setDone(`Card ${actionDone(action)}.`);
    } catch (e) {
      setError(e);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
  }

  return (
    <section className="card" aria-labelledby="decide-title">
      <h2 id="decide-title">Decision</h2>
      <SuccessNotice>{done}</SuccessNotice>
      {conflict ? (
        <div className="notice notice-error" role="alert">
          This card changed meanwhile — reload it to see the current version before you try again.{' '}
          <span className="muted">({formatProblem(error)})</span>{' '}
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              setError(null);
              reload();
            }}
          >
            Reload
          </button>
        </div>
      ) : (
        <ErrorNotice error={error} prefix="Not done" />
      )}
      {card.actions.length === 0 ? (
        <p className="muted">
          {card.pending_side
            ? `Waiting on ${pendingLabel(card)}.`
            : isClosed(card)
              ? 'This card is closed.'
              : 'This card is too old to decide (only this month’s and last month’s cards are).'}{' '}
          You have no action on it.
        </p>
      ) : (
        <form onSubmit={submit} aria-label="Decide on this card">
          <div className="field field-grow">
            <label htmlFor="card-comment">Comment</label>
            <textarea
              id="card-comment"
              rows={3}
              maxLength={2000}
              value={comment}
              aria-describedby="card-comment-hint"
              aria-invalid={missing ? true : undefined}
              onChange={(e) => setComment(e.target.value)}
            />
            <p className="hint" id="card-comment-hint">
              {missing
                ? `A comment is required to ${actionLabel(missing).toLowerCase()}: say why.`
                : 'Required to dispute, reject or resolve.'}
            </p>
          </div>
          <div className="actions">
            {card.actions.map((action) => (
              <button
                key={action}
                type="button"
                className={actionNeedsComment(action) ? 'secondary' : undefined}
                disabled={act.isPending}
                onClick={() => void run(action)}
              >
                {actionLabel(action)}
              </button>
            ))}
          </div>
        </form>
      )}
    </section>
  );
}
