import { useState, type FormEvent } from 'react';
import type { DiscountRead } from '../../client';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { fieldErrors } from '../../lib/problem';
import { addDays } from '../../lib/periods';
import { discountPercentProblem, discountSpan } from '../../lib/reports';
import { usePageTitle } from '../../lib/usePageTitle';
import { useCreateDiscount, useDiscounts, useEndDiscount } from './hooks';

function EndForm({ discount }: { discount: DiscountRead }) {
  const end = useEndDiscount();
  const [day, setDay] = useState('');
  const id = `end-${discount.id}`;
  function submit(e: FormEvent) {
    e.preventDefault();
    end.mutate({ id: discount.id, end: day, version: discount.version });
  }
  return (
    <form className="inline-form" onSubmit={submit} aria-label={`End the ${discount.percent}% discount`}>
      <TextField
        id={id}
        label="Last day in force"
        type="date"
        value={day}
        onValue={setDay}
        hint={`${addDays(discount.start, -1)} withdraws it`}
        required
      />
      <button type="submit" className="secondary" disabled={end.isPending || !day}>
        {end.isPending ? 'Ending…' : 'End'}
      </button>
      <ErrorNotice error={end.error} prefix="The discount was not ended" />
    </form>
  );
}

export function DiscountsPage() {
  usePageTitle('Negotiated discounts');
  const discounts = useDiscounts();
  const create = useCreateDiscount();
  const [percent, setPercent] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [done, setDone] = useState('');
  const problem = percent ? discountPercentProblem(percent) : null;
  const serverErrors = fieldErrors(create.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    setDone('');
    create.mutate(
      { percent: percent.trim(), start, end: end || null },
      {
        onSuccess: (d) => {
          setDone(`A ${d.percent}% discount is configured; the spend is being allocated again.`);
          setPercent('');
          setStart('');
          setEnd('');
        },
      },
    );
  }

  return (
    <section>
      <h1>Negotiated discounts</h1>
      <p className="muted">
        A negotiated discount (percent off gross prices) applies only in billing periods whose CUR carries no
        discount line (EdpDiscount, PrivateRateDiscount, BundledDiscount, Discount). Discounts never overlap
        and never change a closed month. Each change reallocates the spend.
      </p>
      <form className="form-card" onSubmit={submit} aria-labelledby="new-discount">
        <h2 id="new-discount">New discount</h2>
        <TextField
          id="discount-percent"
          label="Percent"
          inputMode="decimal"
          value={percent}
          onValue={setPercent}
          hint="Greater than 0 and less than 100, at most 2 decimals"
          errors={problem ? [problem] : serverErrors.percent}
          errorsId="discount-percent-errors"
          required
        />
        <TextField
          id="discount-start"
          label="First day"
          type="date"
          value={start}
          onValue={setStart}
          errors={serverErrors.start}
          errorsId="discount-start-errors"
          required
        />
        <TextField
          id="discount-end"
          label="Last day (optional)"
          type="date"
          value={end}
          onValue={setEnd}
          hint="Leave empty for open-ended"
          errors={serverErrors.end}
          errorsId="discount-end-errors"
        />
        <button type="submit" disabled={create.isPending || !percent || !start || problem !== null}>
          {create.isPending ? 'Saving…' : 'Add discount'}
        </button>
        <ErrorNotice error={create.error} prefix="The discount was refused" />
        <SuccessNotice>{done}</SuccessNotice>
      </form>
      <h2>Configured discounts</h2>
      <ErrorNotice error={discounts.error} prefix="The discounts could not be loaded" />
      {discounts.isPending ? (
        <p className="loading">Loading discounts…</p>
      ) : discounts.data ? (
        discounts.data.length === 0 ? (
          <p className="empty-state">
            No negotiated discount. The CUR&apos;s own discount lines, where it has them, are allocated as
            spend.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="data-table" aria-label="Negotiated discounts">
              <thead>
                <tr>
                  <th scope="col">Percent</th>
                  <th scope="col">In force</th>
                  <th scope="col">Configured by</th>
                  <th scope="col">End it</th>
                </tr>
              </thead>
              <tbody>
                {discounts.data.map((d) => (
                  <tr key={d.id}>
                    <td className="num">{d.percent}%</td>
                    <td>{discountSpan(d.start, d.end, d.withdrawn)}</td>
                    <td>{d.created_by}</td>
                    <td>{d.withdrawn ? <span className="muted">—</span> : <EndForm discount={d} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </section>
  );
}
