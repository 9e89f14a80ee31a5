import { useState, type FormEvent } from 'react';
import type { CloseRead } from '../../client';
import { useCurrentUser } from '../../components/AppShell';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { SelectField, TextField, errorsOf } from '../../components/Field';
import { FieldErrors } from '../../components/FieldErrors';
import {
  defaultPeriod,
  historyLine,
  invoiceNumbersText,
  parseInvoiceNumbers,
  periodStateLabel,
  readinessSummary,
  shortSha,
} from '../../lib/closes';
import { fieldErrors } from '../../lib/problem';
import { usePageTitle } from '../../lib/usePageTitle';
import {
  downloadCloseFile,
  useClose,
  useClosePeriod,
  useCloses,
  useReopenPeriod,
  useSaveChecklist,
} from './hooks';

const FORM = 'close';

/** Month close: the checklist, readiness, the close, the files and the history (SPEC 8). */
export function ClosePage() {
  usePageTitle('Close month');
  const periods = useCloses();
  const [chosen, setChosen] = useState<string>('');
  const period = chosen || defaultPeriod(periods.data ?? []);
  const close = useClose(period);

  return (
    <section>
      <h1>Close month</h1>
      <p className="muted">
        A billing month closes once the CUR shows it final (it carries the invoice id) and the checklist is
        complete. Closing applies the FinOps credits, freezes the allocation, writes the finance files and
        locks the month: splits, claims, schedules and credits can no longer change it.
      </p>
      {periods.isPending ? <p className="loading">Loading the billing months…</p> : null}
      <ErrorNotice error={periods.error} prefix="The billing months could not be loaded" />
      {periods.data && periods.data.length === 0 ? (
        <p className="empty">No billing month yet: the CUR has not been read.</p>
      ) : null}
      {periods.data && periods.data.length > 0 ? (
        <SelectField
          id="close-period"
          label="Billing month"
          value={period ?? ''}
          onValue={setChosen}
          options={periods.data.map((p) => ({
            value: p.period,
            label: `${p.period} — ${periodStateLabel(p)}`,
          }))}
        />
      ) : null}
      {period && close.isPending ? <p className="loading">Loading {period}…</p> : null}
      <ErrorNotice error={close.error} prefix={`${period ?? 'The month'} could not be loaded`} />
      {close.data ? (
        // Not keyed by version: saving the checklist bumps it, and a remount would drop the
        // "Checklist saved." the user is waiting for. Closing or reopening starts afresh.
        <CloseView key={`${close.data.period}-${close.data.closed}`} close={close.data} />
      ) : null}
    </section>
  );
}

function CloseView({ close }: { close: CloseRead }) {
  const me = useCurrentUser();
  const mayClose = me.permissions.includes('close_period');
  const mayReopen = me.permissions.includes('reopen_period');
  return (
    <>
      <Readiness close={close} />
      {mayClose && !close.closed ? <ChecklistForm close={close} /> : <ChecklistView close={close} />}
      {mayClose && !close.closed ? <CloseButton close={close} /> : null}
      <Files close={close} />
      <History close={close} />
      {mayReopen && close.closed ? <ReopenForm close={close} /> : null}
    </>
  );
}

function Readiness({ close }: { close: CloseRead }) {
  const r = close.readiness;
  if (close.closed) {
    return (
      <p className="notice notice-success" role="status">
        {close.period} is closed: its amounts, allocations and files are locked.
      </p>
    );
  }
  return (
    <div
      className={r.ready ? 'notice notice-success' : 'notice'}
      role="status"
      aria-labelledby="readiness-title"
    >
      <h2 id="readiness-title">Readiness</h2>
      <p>{readinessSummary(r)}</p>
      <ul>
        <li>
          CUR: {r.finalized ? `final (invoice ${r.invoice_ids.join(', ')})` : 'not final yet (no invoice id)'}
        </li>
        <li>Checklist: {r.checklist_complete ? 'complete' : 'incomplete'}</li>
        {r.missing.map((m) => (
          <li key={`${m.field ?? ''}-${m.message}`}>{m.message}</li>
        ))}
      </ul>
    </div>
  );
}

function ChecklistView({ close }: { close: CloseRead }) {
  return (
    <div className="card">
      <h2>Checklist</h2>
      <dl>
        <dt>Vendor</dt>
        <dd>{close.vendor || '—'}</dd>
        <dt>Purchase order</dt>
        <dd>{close.purchase_order || '—'}</dd>
        <dt>Invoice numbers</dt>
        <dd>{close.invoice_numbers.join(', ') || '—'}</dd>
        <dt>Internal memo</dt>
        <dd>{close.internal_memo || '—'}</dd>
        <dt>Default business unit</dt>
        <dd>{close.default_business_unit || 'the configured one'}</dd>
      </dl>
    </div>
  );
}

function ChecklistForm({ close }: { close: CloseRead }) {
  const save = useSaveChecklist();
  const [vendor, setVendor] = useState(close.vendor);
  const [po, setPo] = useState(close.purchase_order);
  const [invoices, setInvoices] = useState(invoiceNumbersText(close.invoice_numbers));
  const [memo, setMemo] = useState(close.internal_memo);
  const [unit, setUnit] = useState(close.default_business_unit);
  const errors = fieldErrors(save.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({
      period: close.period,
      body: {
        vendor,
        purchase_order: po,
        invoice_numbers: parseInvoiceNumbers(invoices),
        internal_memo: memo,
        default_business_unit: unit,
        version: close.version,
      },
    });
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="checklist-title">
      <h2 id="checklist-title">Checklist</h2>
      <TextField
        id="close-vendor"
        label="Vendor"
        value={vendor}
        onValue={setVendor}
        maxLength={200}
        {...errorsOf(errors, FORM, 'vendor')}
      />
      <TextField
        id="close-po"
        label="Purchase order"
        value={po}
        onValue={setPo}
        maxLength={100}
        {...errorsOf(errors, FORM, 'purchase_order')}
      />
      <div className="field">
        <label htmlFor="close-invoices">Invoice numbers</label>
        <textarea
          id="close-invoices"
          rows={3}
          value={invoices}
          onChange={(e) => setInvoices(e.target.value)}
          aria-describedby="close-invoices-hint"
        />
        <p className="hint" id="close-invoices-hint">
          One per line; filled from the CUR&apos;s invoice ids until first saved.
        </p>
        <FieldErrors id={`${FORM}-invoice_numbers-errors`} messages={errors.invoice_numbers} />
      </div>
      <div className="field">
        <label htmlFor="close-memo">Internal memo</label>
        <textarea
          id="close-memo"
          rows={2}
          maxLength={2000}
          value={memo}
          onChange={(e) => setMemo(e.target.value)}
        />
        <FieldErrors id={`${FORM}-internal_memo-errors`} messages={errors.internal_memo} />
      </div>
      <TextField
        id="close-unit"
        label="Default business unit"
        value={unit}
        onValue={setUnit}
        maxLength={200}
        hint="Where spend no budget holds (Unallocated) is booked in the accounts-payable file; empty: the configured one."
        {...errorsOf(errors, FORM, 'default_business_unit')}
      />
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save checklist'}
      </button>
      <ErrorNotice error={save.error} prefix="The checklist was not saved" />
      <SuccessNotice>{save.isSuccess ? 'Checklist saved.' : null}</SuccessNotice>
    </form>
  );
}

function CloseButton({ close }: { close: CloseRead }) {
  const run = useClosePeriod();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="card">
      <h2>Close {close.period}</h2>
      {confirming ? (
        <p>
          Close {close.period} now? The files are written once and the month is locked until an Admin reopens
          it.{' '}
          <button
            type="button"
            onClick={() => run.mutate({ period: close.period, version: close.version })}
            disabled={run.isPending}
          >
            {run.isPending ? 'Closing…' : `Yes, close ${close.period}`}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </p>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} disabled={!close.readiness.ready}>
          Close the month
        </button>
      )}
      <ErrorNotice error={run.error} prefix="The month did not close" />
    </div>
  );
}

function Files({ close }: { close: CloseRead }) {
  const [error, setError] = useState<unknown>(null);
  async function get(name: string, closeId?: number) {
    setError(null);
    try {
      await downloadCloseFile(close.period, name, closeId);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <div className="card">
      <h2 id="files-title">Files</h2>
      {close.files.length === 0 ? (
        <p className="empty">No files: {close.closed ? 'none were written' : 'the month is not closed'}.</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="files-title">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Rows</th>
                <th scope="col">SHA-256</th>
                <th scope="col">
                  <span className="visually-hidden">Download</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {close.files.map((f) => (
                <tr key={f.name}>
                  <td>{f.name}</td>
                  <td>{f.rows}</td>
                  <td>
                    <code title={f.sha256}>{shortSha(f.sha256)}</code>
                  </td>
                  <td>
                    <button type="button" className="secondary" onClick={() => void get(f.name)}>
                      Download {f.name}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNotice error={error} prefix="The download failed" />
    </div>
  );
}

function History({ close }: { close: CloseRead }) {
  return (
    <div className="card">
      <h2>History</h2>
      {close.history.length === 0 ? (
        <p className="empty">Never closed.</p>
      ) : (
        <ol>
          {close.history.map((e) => (
            <li key={e.id}>
              {historyLine(e)}
              {e.files.length > 0 ? (
                <ul>
                  {e.files.map((f) => (
                    <li key={f.name}>
                      {f.name} <code title={f.sha256}>{shortSha(f.sha256)}</code>
                      {f.superseded ? ' (superseded)' : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function ReopenForm({ close }: { close: CloseRead }) {
  const reopen = useReopenPeriod();
  const [reason, setReason] = useState('');
  const errors = fieldErrors(reopen.error);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    reopen.mutate({ period: close.period, reason: reason.trim() });
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="reopen-title">
      <h2 id="reopen-title">Reopen {close.period}</h2>
      <p className="muted">Unlocks the month; its files stay, marked superseded.</p>
      <TextField
        id="reopen-reason"
        label="Reason"
        value={reason}
        onValue={setReason}
        required
        maxLength={1000}
        {...errorsOf(errors, 'reopen', 'reason')}
      />
      <button type="submit" disabled={reopen.isPending || !reason.trim()}>
        {reopen.isPending ? 'Reopening…' : `Reopen ${close.period}`}
      </button>
      <ErrorNotice error={reopen.error} prefix="The month was not reopened" />
    </form>
  );
}
