import { useMemo, useState, type FormEvent } from 'react';
import type { CreditDetail, CreditRead, Program } from '../../client';
import { Amount } from '../../components/Amount';
import { useCurrentUser } from '../../components/AppShell';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
import { FieldErrors } from '../../components/FieldErrors';
import {
  EMPTY_DRAFT,
  PROGRAMS,
  creditTotals,
  draftErrors,
  expiryLabel,
  expiryState,
  finishedMonths,
  normaliseAmount,
  programLabel,
  unusedAtExpiry,
  usedShare,
  type CreditDraft,
} from '../../lib/credits';
import { formatDateTime } from '../../lib/format';
import { CURRENCY } from '../../lib/money';
import { fieldErrors, otherErrors } from '../../lib/problem';
import { localIsoDate } from '../../lib/periods';
import { monthLabel } from '../../lib/spendCards';
import { usePageTitle } from '../../lib/usePageTitle';
import { useBudgets } from '../budgets/hooks';
import {
  useApplyCredits,
  useCreateCredit,
  useCredit,
  useCreditForecast,
  useCreditPreview,
  useCredits,
  useVoidCredit,
} from './hooks';

function product(path: readonly string[]): string {
  return path[path.length - 1] ?? '?';
}

export function CreditsPage() {
  usePageTitle('Credits');
  const me = useCurrentUser();
  const manager = me.permissions.includes('manage_credits');
  const today = localIsoDate();
  const [selected, setSelected] = useState<number | null>(null);
  const credits = useCredits({});
  const all = useMemo(() => credits.data ?? [], [credits.data]);
  const totals = useMemo(() => creditTotals(all, today), [all, today]);

  return (
    <section>
      <h1>Credits</h1>
      <p className="muted">
        AWS credits (MAP, PoC, Activate…) recorded against product budgets. At month close each budget&apos;s
        credits cover its allocated spend, oldest expiry first; a credit covers only the days it is valid on.
      </p>
      {manager ? <AddCreditForm /> : null}
      <section aria-labelledby="balances-title">
        <h2 id="balances-title">Balances</h2>
        <ErrorNotice error={credits.error} prefix="The credits could not be loaded" />
        {credits.isError ? (
          <button type="button" onClick={() => void credits.refetch()}>
            Try again
          </button>
        ) : null}
        {credits.isPending ? (
          <p className="loading">Loading credits…</p>
        ) : credits.data ? (
          all.length === 0 ? (
            <p className="empty-state">
              {manager
                ? 'No credits yet. Record one above when AWS grants a credit to a budget.'
                : 'No credits on the budgets you can see.'}
            </p>
          ) : (
            <>
              <p aria-live="polite">
                {totals.count} credit{totals.count === 1 ? '' : 's'}: <Amount value={totals.amount} />{' '}
                {CURRENCY} granted, <Amount value={totals.applied} /> applied,{' '}
                <Amount value={totals.available} /> still available.
              </p>
              <CreditsTable credits={all} today={today} selected={selected} onSelect={setSelected} />
            </>
          )
        ) : null}
      </section>
      {selected !== null ? (
        <CreditPanel id={selected} manager={manager} onClose={() => setSelected(null)} />
      ) : null}
      <ForecastSection />
      <PreviewSection manager={manager} today={today} />
    </section>
  );
}

function CreditsTable({
  credits,
  today,
  selected,
  onSelect,
}: {
  credits: readonly CreditRead[];
  today: string;
  selected: number | null;
  onSelect: (id: number) => void;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table" aria-labelledby="balances-title">
        <thead>
          <tr>
            <th scope="col">Credit</th>
            <th scope="col">Budget</th>
            <th scope="col">Program</th>
            <th scope="col" className="num">
              Amount ({CURRENCY})
            </th>
            <th scope="col" className="num">
              Applied
            </th>
            <th scope="col" className="num">
              Balance
            </th>
            <th scope="col">Valid</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {credits.map((c) => {
            const state = expiryState(c, today);
            return (
              <tr key={c.id}>
                <th scope="row">
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={selected === c.id}
                    onClick={() => onSelect(c.id)}
                  >
                    {c.reference || `Credit ${c.id}`}
                  </button>
                </th>
                <td title={c.budget_path.join(' › ')}>{product(c.budget_path)}</td>
                <td>{programLabel(c.program)}</td>
                <td className="num">
                  <Amount value={c.amount} />
                </td>
                <td className="num">
                  <Amount value={c.applied} /> <span className="muted">({usedShare(c)})</span>
                </td>
                <td className="num">
                  <Amount value={c.balance} />
                </td>
                <td>
                  {c.start_date} → {c.expires_on}
                </td>
                <td>
                  <span
                    className={`badge ${state === 'soon' ? 'badge-bad' : state === 'open' ? 'badge-ok' : 'badge-off'}`}
                  >
                    {expiryLabel(state, c.expires_on, today)}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const FORM = 'credit';
const FORM_FIELDS = [
  'budget_id',
  'program',
  'amount',
  'start_date',
  'expires_on',
  'reference',
  'description',
];

function AddCreditForm() {
  const year = Number(localIsoDate().slice(0, 4));
  const budgets = useBudgets(year, 'active');
  const create = useCreateCredit();
  const [draft, setDraft] = useState<CreditDraft>(EMPTY_DRAFT);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [added, setAdded] = useState<string | null>(null);
  const errors = { ...fieldErrors(create.error), ...local };
  const err = (field: string) => errorsOf(errors, FORM, field);
  const set = (field: keyof CreditDraft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    const found = draftErrors(draft);
    setLocal(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(
      {
        budget_id: Number(draft.budget_id),
        program: draft.program as Program,
        amount: normaliseAmount(draft.amount),
        start_date: draft.start_date,
        expires_on: draft.expires_on,
        reference: draft.reference,
        description: draft.description,
      },
      {
        onSuccess: (credit) => {
          setAdded(`Credit ${credit.reference || credit.id} recorded on ${product(credit.budget_path)}.`);
          setDraft(EMPTY_DRAFT);
        },
      },
    );
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${FORM}-title`} noValidate>
      <h2 id={`${FORM}-title`}>Add a credit</h2>
      <ErrorNotice error={create.error} prefix="The credit was not recorded" />
      <FieldErrors id={`${FORM}-other-errors`} messages={otherErrors(create.error, FORM_FIELDS)} />
      {added ? <SuccessNotice>{added}</SuccessNotice> : null}
      <div className="options-grid">
        <SelectField
          id={`${FORM}-budget`}
          label="Budget"
          empty={budgets.isPending ? 'Loading budgets…' : 'Choose a budget'}
          value={draft.budget_id}
          onValue={set('budget_id')}
          {...err('budget_id')}
          options={(budgets.data?.items ?? []).map((b) => ({ value: b.id, label: b.path.join(' › ') }))}
        />
        <SelectField
          id={`${FORM}-program`}
          label="Program"
          empty="Choose a program"
          value={draft.program}
          onValue={set('program')}
          {...err('program')}
          options={PROGRAMS.map((p) => ({ value: p, label: programLabel(p) }))}
        />
        <TextField
          id={`${FORM}-amount`}
          label={`Amount (${CURRENCY})`}
          type="text"
          inputMode="decimal"
          placeholder="e.g. 25,000.00"
          value={draft.amount}
          onValue={set('amount')}
          {...err('amount')}
        />
        <TextField
          id={`${FORM}-start`}
          label="Starts on"
          type="date"
          value={draft.start_date}
          onValue={set('start_date')}
          {...err('start_date')}
        />
        <TextField
          id={`${FORM}-expires`}
          label="Expires on (last day of use)"
          type="date"
          value={draft.expires_on}
          onValue={set('expires_on')}
          {...err('expires_on')}
        />
        <TextField
          id={`${FORM}-reference`}
          label="Reference"
          type="text"
          maxLength={100}
          placeholder="e.g. the AWS promotion code"
          value={draft.reference}
          onValue={set('reference')}
          {...err('reference')}
        />
        <TextField
          id={`${FORM}-description`}
          label="Description"
          type="text"
          maxLength={1000}
          value={draft.description}
          onValue={set('description')}
          {...err('description')}
        />
      </div>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Recording…' : 'Add credit'}
      </button>
    </form>
  );
}

function CreditPanel({ id, manager, onClose }: { id: number; manager: boolean; onClose: () => void }) {
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

function ForecastSection() {
  const forecast = useCreditForecast();
  const unused = useMemo(() => unusedAtExpiry(forecast.data ?? []), [forecast.data]);
  return (
    <section aria-labelledby="forecast-title">
      <h2 id="forecast-title">Expiry forecast</h2>
      <p className="muted">
        At each budget&apos;s burn rate (its average allocated spend over the last three full months), what
        every active credit will have applied by its expiry, and what it will leave unused.
      </p>
      <ErrorNotice error={forecast.error} prefix="The forecast could not be loaded" />
      {forecast.isError ? (
        <button type="button" onClick={() => void forecast.refetch()}>
          Try again
        </button>
      ) : null}
      {forecast.isPending ? (
        <p className="loading">Forecasting…</p>
      ) : forecast.data ? (
        forecast.data.length === 0 ? (
          <p className="empty-state">No active credit with a balance left.</p>
        ) : (
          <>
            <p aria-live="polite">
              {unused.lines.length === 0 ? (
                'Every credit is on course to be used before it expires.'
              ) : (
                <>
                  <strong>{unused.lines.length}</strong> credit{unused.lines.length === 1 ? '' : 's'} will
                  expire with <Amount value={unused.total} /> {CURRENCY} unused.
                </>
              )}
            </p>
            <div className="table-wrap">
              <table className="data-table" aria-labelledby="forecast-title">
                <thead>
                  <tr>
                    <th scope="col">Credit</th>
                    <th scope="col">Budget</th>
                    <th scope="col">Expires</th>
                    <th scope="col" className="num">
                      Balance ({CURRENCY})
                    </th>
                    <th scope="col" className="num">
                      Burn rate / month
                    </th>
                    <th scope="col" className="num">
                      Will apply
                    </th>
                    <th scope="col" className="num">
                      Unused at expiry
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {forecast.data.map((l) => (
                    <tr key={l.credit_id}>
                      <th scope="row">{l.reference || `Credit ${l.credit_id}`}</th>
                      <td title={l.budget_path.join(' › ')}>{product(l.budget_path)}</td>
                      <td>{l.expires_on}</td>
                      <td className="num">
                        <Amount value={l.balance} />
                      </td>
                      <td className="num">
                        <Amount value={l.burn_rate} />
                        {l.history_months.length === 0 ? (
                          <span className="muted"> (no spend history)</span>
                        ) : null}
                      </td>
                      <td className="num">
                        <Amount value={l.projected_use} />
                      </td>
                      <td className="num">
                        <strong>
                          <Amount value={l.unused_at_expiry} />
                        </strong>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )
      ) : null}
    </section>
  );
}

function PreviewSection({ manager, today }: { manager: boolean; today: string }) {
  const months = useMemo(() => finishedMonths(today.slice(0, 7), 12), [today]);
  const [period, setPeriod] = useState(months[0] ?? '');
  const preview = useCreditPreview(period);
  const apply = useApplyCredits();
  const budgets = preview.data?.budgets ?? [];
  const pending = budgets.some((b) => b.credits.some((c) => !c.already_applied && c.amount !== '0.00'));
  return (
    <section aria-labelledby="preview-title">
      <h2 id="preview-title">A month&apos;s application</h2>
      <p className="muted">
        What applying the credits to a month does, per budget: each credit with the amount it applies and the
        balance left. Month close applies them; a Financial Admin may apply a finished, open month earlier.
      </p>
      <SelectField
        id="preview-month"
        label="Month"
        value={period}
        onValue={(v) => {
          setPeriod(v);
          apply.reset();
        }}
        options={months.map((m) => ({ value: m, label: monthLabel(m) }))}
      />
      <ErrorNotice error={preview.error} prefix="The preview could not be loaded" />
      <ErrorNotice error={apply.error} prefix="The credits were not applied" />
      {apply.data ? (
        <SuccessNotice>
          {apply.data.applications.length === 0
            ? `Nothing more to apply to ${monthLabel(apply.data.period)}.`
            : `${apply.data.applications.length} application(s) written for ${monthLabel(apply.data.period)}.`}
        </SuccessNotice>
      ) : null}
      {preview.isPending ? (
        <p className="loading">Computing the month…</p>
      ) : budgets.length === 0 ? (
        <p className="empty-state">No credit is valid in {monthLabel(period)}.</p>
      ) : (
        <>
          {budgets.map((b) => (
            <div className="table-wrap" key={b.budget_id}>
              <table className="data-table" aria-label={`Credits of ${product(b.budget_path)}`}>
                <caption>
                  {b.budget_path.join(' › ')}: spend <Amount value={b.spend} /> {CURRENCY}, covered{' '}
                  <Amount value={b.applied} />
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Credit</th>
                    <th scope="col">Expires</th>
                    <th scope="col" className="num">
                      Balance before
                    </th>
                    <th scope="col" className="num">
                      Applies
                    </th>
                    <th scope="col" className="num">
                      Balance after
                    </th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {b.credits.map((c) => (
                    <tr key={c.credit_id}>
                      <th scope="row">{c.reference || `Credit ${c.credit_id}`}</th>
                      <td>{c.expires_on}</td>
                      <td className="num">
                        <Amount value={c.balance_before} />
                      </td>
                      <td className="num">
                        <Amount value={c.amount} />
                      </td>
                      <td className="num">
                        <Amount value={c.balance_after} />
                      </td>
                      <td>{c.already_applied ? 'Applied' : 'Would apply'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
          {manager ? (
            <button type="button" disabled={!pending || apply.isPending} onClick={() => apply.mutate(period)}>
              {apply.isPending ? 'Applying…' : `Apply credits to ${monthLabel(period)}`}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
