import { useState, type FormEvent } from 'react';
import type { CreditDetail } from '../../client';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { errorsOf, TextField } from '../../components/Field';
import { programLabel } from '../../lib/credits';
import { formatDateTime } from '../../lib/format';
import { CURRENCY } from '../../lib/money';
import { fieldErrors } from '../../lib/problem';
import { monthLabel } from '../../lib/spendCards';
import { useCredit, useVoidCredit } from './hooks';

export function CreditPanel({ id, manager, onClose }: { id: number; manager: boolean; onClose: () => void }) {
  const credit = useCredit(id);
  return (
    <section className="card" aria-labelledby="credit-title">
      {credit.isPending ? (
        <p className="loading">Loading the credit…</p>
      ) : credit.isError ? (
        <>
          <h2 id="credit-title">Credit</h2>
          <ErrorNotice error={credit.error} prefix="The credit could not be loaded" />
          <button type="button" onClick={() => void credit.refetch()}>
            Try again
          </button>
        </>
      ) : (
        <CreditView credit={credit.data} manager={manager} />
      )}
      <button type="button" className="secondary" onClick={onClose}>
        Close
      </button>
    </section>
  );
}

function CreditView({ credit, manager }: { credit: CreditDetail; manager: boolean }) {
  return (
    <>
      <h2 id="credit-title">
        {credit.reference || `Credit ${credit.id}`}: {programLabel(credit.program)}
      </h2>
      <p className="muted">
        {credit.budget_path.join(' › ')} · recorded by {credit.created_by} on{' '}
        {formatDateTime(credit.created_at)}
        {credit.description ? ` · ${credit.description}` : ''}
      </p>
      {credit.status === 'void' ? (
        <p className="notice notice-error">
          Void since {credit.voided_at ? formatDateTime(credit.voided_at) : '?'} ({credit.voided_by}):{' '}
          {credit.void_reason}. It applies nothing more.
        </p>
      ) : null}
      <h3 id="ledger-title">Ledger</h3>
      {credit.ledger.length === 0 ? (
        <p className="empty-state">Nothing applied yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="ledger-title">
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" className="num">
                  Applied ({CURRENCY})
                </th>
                <th scope="col" className="num">
                  Balance after
                </th>
                <th scope="col">When, by whom</th>
              </tr>
            </thead>
            <tbody>
              {credit.ledger.map((e) => (
                <tr key={e.id}>
                  <th scope="row">{monthLabel(e.period)}</th>
                  <td className="num">
                    <Amount value={e.amount} />
                  </td>
                  <td className="num">
                    <Amount value={e.balance_after} />
                  </td>
                  <td>
                    {formatDateTime(e.applied_at)}, {e.applied_by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {manager && credit.status === 'active' ? <VoidForm credit={credit} /> : null}
    </>
  );
}

function VoidForm({ credit }: { credit: CreditDetail }) {
  const voiding = useVoidCredit();
  const [reason, setReason] = useState('');
  const errors = fieldErrors(voiding.error);
  function submit(event: FormEvent) {
    event.preventDefault();
    voiding.mutate({ id: credit.id, version: credit.version, reason });
  }
  return (
    <form onSubmit={submit} aria-label="Void the credit">
      <ErrorNotice error={voiding.error} prefix="The credit was not voided" />
      <TextField
        id="void-reason"
        label="Reason to void"
        type="text"
        maxLength={500}
        hint="The credit applies nothing more; its ledger stays and its balance is forfeited."
        value={reason}
        onValue={setReason}
        {...errorsOf(errors, 'void', 'reason')}
      />
      <button type="submit" className="secondary" disabled={voiding.isPending || reason.trim().length < 3}>
        {voiding.isPending ? 'Voiding…' : 'Void credit'}
      </button>
    </form>
  );
}
