import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { BudgetRead, ClaimRead, ResourceRead, WorkloadRead } from '../../client';
import { useClaimResources } from './hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { refusedResources } from '../../lib/resources';

const ID = 'claim-dialog';

/** "Claim to workload…": the selected resources to one workload, all or nothing. A refusal
 * lists every resource that cannot be claimed and why (SPEC 3). */
export function ClaimDialog({
  resources,
  workloads,
  budgets,
  onClose,
  onClaimed,
}: {
  resources: readonly ResourceRead[];
  workloads: readonly WorkloadRead[];
  budgets: ReadonlyMap<number, BudgetRead>;
  onClose: () => void;
  onClaimed: (claims: ClaimRead[], workload: WorkloadRead) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const claim = useClaimResources();
  const accounts = new Set(resources.map((r) => r.account_id));
  // Workloads of the resources' accounts first: a resource can only go to a workload of its
  // own account.
  const sorted = [...workloads].sort(
    (a, b) =>
      Number(accounts.has(b.account_id)) - Number(accounts.has(a.account_id)) || a.name.localeCompare(b.name),
  );
  const [workloadId, setWorkloadId] = useState<number | null>(null);
  const chosen = workloads.find((w) => w.id === workloadId) ?? null;
  const ids = resources.map((r) => r.resource_id);
  const refused = refusedResources(claim.error, [ids]);
  const otherAccount = chosen ? resources.filter((r) => r.account_id !== chosen.account_id) : [];

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    claim.mutate(
      { workloadId: chosen.id, resourceIds: ids },
      { onSuccess: (claims) => onClaimed(claims, chosen) },
    );
  }

  const label = (w: WorkloadRead) => {
    const budget = budgets.get(w.budget_id);
    return `${w.name} — ${budget ? budget.product : `budget #${w.budget_id}`} (account ${w.account_id})`;
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${ID}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={`${ID}-title`}>Claim to workload</h2>
        <p className="hint">
          From tomorrow, 100% of each resource&apos;s cost goes to the workload&apos;s budget instead of the
          account split. All or nothing: if one resource cannot be claimed, none is.
        </p>
        <p>
          {resources.length} resource{resources.length === 1 ? '' : 's'} selected, in account
          {accounts.size === 1 ? '' : 's'} {[...accounts].join(', ')}.
        </p>
        {workloads.length === 0 ? (
          <p className="notice notice-info">
            No workload yet. A Product Owner creates workloads on their budget&apos;s page.
          </p>
        ) : (
          <div className="field">
            <label htmlFor={`${ID}-workload`}>Workload</label>
            <select
              id={`${ID}-workload`}
              required
              value={workloadId ?? ''}
              onChange={(e) => {
                setWorkloadId(e.target.value ? Number(e.target.value) : null);
                claim.reset();
              }}
            >
              <option value="">Choose a workload</option>
              {sorted.map((w) => (
                <option key={w.id} value={w.id}>
                  {label(w)}
                </option>
              ))}
            </select>
            {otherAccount.length > 0 ? (
              <p className="hint warning">
                {otherAccount.length} selected resource{otherAccount.length === 1 ? ' is' : 's are'} not in
                account {chosen?.account_id}; the claim will be refused for{' '}
                {otherAccount.length === 1 ? 'it' : 'them'}.
              </p>
            ) : null}
          </div>
        )}
        <ErrorNotice error={claim.error} prefix="Nothing was claimed" />
        {refused.length > 0 ? (
          <div className="table-wrap">
            <table className="data-table" aria-label="Refused resources">
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {refused.map((r, i) => (
                  <tr key={`${r.resourceId ?? 'request'}-${i}`}>
                    <td>
                      <code>{r.resourceId ?? 'the request'}</code>
                    </td>
                    <td>{r.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <div className="actions dialog-actions">
          <button type="submit" disabled={!chosen || claim.isPending}>
            {claim.isPending
              ? 'Claiming…'
              : `Claim ${resources.length} resource${resources.length === 1 ? '' : 's'}`}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
