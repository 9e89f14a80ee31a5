import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { RecommendationAction, RecommendationDetail } from '../../client';
import { Amount } from '../../components/Amount';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { formatDateTime } from '../../lib/format';
import {
  actionLabel,
  actionNeedsComment,
  changeLabel,
  realizedSentence,
  rowStatusLabel,
} from '../../lib/recommendations';
import { usePageTitle } from '../../lib/usePageTitle';
import { useRecommendation, useRecommendationAction } from './hooks';

export function RecommendationDetailPage() {
  const id = Number(useParams().id);
  const rec = useRecommendation(id);
  usePageTitle(rec.data ? `Recommendation: ${changeLabel(rec.data)}` : 'Recommendation');
  return (
    <section>
      <p>
        <Link to="/recommendations">← All recommendations</Link>
      </p>
      {rec.isPending ? (
        <p className="loading">Loading the recommendation…</p>
      ) : rec.isError ? (
        <>
          <h1>Recommendation</h1>
          <ErrorNotice error={rec.error} prefix="The recommendation could not be loaded" />
          <button type="button" onClick={() => void rec.refetch()}>
            Try again
          </button>
        </>
      ) : (
        <DetailView rec={rec.data} />
      )}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{children}</td>
    </tr>
  );
}

function DetailView({ rec }: { rec: RecommendationDetail }) {
  return (
    <>
      <h1>{changeLabel(rec)}</h1>
      <p>
        <span className={`badge ${rec.resolved ? 'badge-off' : 'badge-ok'}`}>{rowStatusLabel(rec)}</span>{' '}
        <span className="muted">Version {rec.version}</span>
        {rec.known_action_type ? null : (
          <span className="badge badge-info"> action type not documented by Cost Optimization Hub</span>
        )}
      </p>
      <div className="card-grid">
        <section className="card" aria-labelledby="rec-facts">
          <h2 id="rec-facts">What and where</h2>
          <table className="data-table" aria-labelledby="rec-facts">
            <tbody>
              <Fact label="Monthly savings (USD)">
                <Amount value={rec.monthly_savings} />
                {rec.savings_percentage ? <span className="muted"> ({rec.savings_percentage}%)</span> : null}
              </Fact>
              <Fact label="Current monthly cost (USD)">
                <Amount value={rec.monthly_cost} />
              </Fact>
              <Fact label="Resource">
                <code>{rec.resource_id}</code>
                {rec.in_cur ? null : <span className="muted"> (the CUR does not show it)</span>}
              </Fact>
              <Fact label="ARN">
                <code>{rec.resource_arn}</code>
              </Fact>
              <Fact label="Account">
                {rec.account_name ? `${rec.account_name} (${rec.account_id})` : rec.account_id},{' '}
                {rec.region ?? '—'}
              </Fact>
              <Fact label="Current">{rec.current_resource_summary ?? rec.current_resource_type ?? '—'}</Fact>
              <Fact label="Recommended">
                {rec.recommended_resource_summary ?? rec.recommended_resource_type ?? '—'}
              </Fact>
              <Fact label="Effort, restart, rollback">
                {rec.implementation_effort ?? '—'}, {rec.restart_needed ? 'restart needed' : 'no restart'},{' '}
                {rec.rollback_possible ? 'can be rolled back' : 'no rollback'}
              </Fact>
              <Fact label="Budgets">
                {rec.budgets.length === 0
                  ? 'None (Unallocated)'
                  : rec.budgets
                      .map((b) => `${b.name ?? `#${b.budget_id}`} ${b.percent}% by ${b.via}`)
                      .join(', ')}
              </Fact>
              <Fact label="Seen">
                {formatDateTime(rec.first_seen_at)} – {formatDateTime(rec.last_seen_at)}
                {rec.resolved_at ? `; gone since ${formatDateTime(rec.resolved_at)}` : ''}
              </Fact>
              {rec.realized_savings ? (
                <Fact label="Realized savings">{realizedSentence(rec.realized_savings)}</Fact>
              ) : null}
            </tbody>
          </table>
        </section>
        <DecisionPanel rec={rec} />
      </div>
      <section aria-labelledby="rec-history">
        <h2 id="rec-history">History</h2>
        {rec.history.length === 0 ? (
          <p className="muted">No decision yet.</p>
        ) : (
          <table className="data-table" aria-labelledby="rec-history">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Comment</th>
              </tr>
            </thead>
            <tbody>
              {rec.history.map((h, i) => (
                <tr key={i}>
                  <td>{formatDateTime(h.at)}</td>
                  <td>{h.by === null ? 'Import' : h.by_email}</td>
                  <td>
                    {h.action}: {h.from_status} → {h.to_status}
                  </td>
                  <td>{h.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function DecisionPanel({ rec }: { rec: RecommendationDetail }) {
  const act = useRecommendationAction();
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<string | null>(null);

  function run(action: RecommendationAction) {
    setDone(null);
    act.mutate(
      { id: rec.id, action, version: rec.version, comment: comment.trim() || undefined },
      {
        onSuccess: () => {
          setComment('');
          setDone(`${actionLabel(action)}: done.`);
        },
      },
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
  }

  return (
    <section className="card" aria-labelledby="rec-decide">
      <h2 id="rec-decide">Decision</h2>
      {rec.actions.length === 0 ? (
        <p className="muted">
          {rec.resolved ? 'Resolved: gone from the export, read-only.' : 'Nothing for you to decide here.'}
        </p>
      ) : (
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor="rec-comment">
              Comment{rec.actions.includes('ignore') ? ' (required to ignore)' : ''}
            </label>
            <textarea
              id="rec-comment"
              value={comment}
              maxLength={2000}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          <div className="actions">
            {rec.actions.map((action) => (
              <button
                key={action}
                type="button"
                disabled={act.isPending || (actionNeedsComment(action) && !comment.trim())}
                onClick={() => run(action)}
              >
                {actionLabel(action)}
              </button>
            ))}
          </div>
        </form>
      )}
      <ErrorNotice error={act.error} prefix="Not done" />
      <SuccessNotice>{done}</SuccessNotice>
    </section>
  );
}
