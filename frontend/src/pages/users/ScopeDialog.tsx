import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { UserRead } from '../../client';
import { useHierarchy, useYears } from '../budgets/hooks';
import { useSetUserScope, useUserScope } from './hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FieldErrors } from '../../components/FieldErrors';
import { YearSelect } from '../../components/YearSelect';
import { defaultYear } from '../../lib/budgets';
import { fieldErrors, otherErrors } from '../../lib/problem';
import { roleLabel, scopeLevel } from '../../lib/roles';
import { nameNodeIds, nodesAtLevel, pathsById } from '../../lib/tree';

const ID = 'scope-dialog';

/** An owner's financial scope: nodes at the level of their role, picked from a year's
 * hierarchy. The server checks the rules (level, one shared parent) and says what is wrong. */
export function ScopeDialog({
  user,
  onClose,
  onSaved,
}: {
  user: UserRead;
  onClose: () => void;
  onSaved: (message: string) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const level = scopeLevel(user.role) ?? 0;
  const scope = useUserScope(user.id);
  const years = useYears();
  const save = useSetUserScope();
  const [year, setYear] = useState<number | null>(null);
  const [checked, setChecked] = useState<Set<number> | null>(null);
  const [filter, setFilter] = useState('');

  // The year of the current scope, else the year the pages open on.
  const shownYear = year ?? scope.data?.nodes[0]?.year ?? (years.data ? defaultYear(years.data) : null);
  const hierarchy = useHierarchy(scope.isPending ? null : shownYear);
  const current = new Set(scope.data?.node_ids ?? []);
  const selected = checked ?? current;
  const levelLabel = hierarchy.data?.labels[level - 1] ?? `level ${level}`;
  const candidates = hierarchy.data ? nodesAtLevel(hierarchy.data.nodes, level) : [];
  const words = filter.trim().toLowerCase();
  const shown = words
    ? candidates.filter((row) => row.path.join(' ').toLowerCase().includes(words))
    : candidates;
  const paths = hierarchy.data ? pathsById(hierarchy.data.nodes) : new Map<number, string[]>();
  const errors = [...(fieldErrors(save.error).node_ids ?? []), ...otherErrors(save.error, ['node_ids'])].map(
    (message) => nameNodeIds(message, paths),
  );

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  function pickYear(next: number) {
    setYear(next);
    setChecked(null);
    save.reset();
  }

  function toggle(id: number) {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChecked(next);
  }

  function submit(nodeIds: number[]) {
    save.mutate(
      { userId: user.id, nodeIds },
      {
        onSuccess: (result) =>
          onSaved(
            result.nodes.length === 0
              ? `${user.email} has no scope now.`
              : `Scope of ${user.email}: ${result.nodes.map((n) => n.path.join(' › ')).join('; ')}.`,
          ),
      },
    );
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    // Only the nodes of the year shown: the picker maps a user within one year.
    const inYear = new Set(candidates.map((row) => row.node.id));
    submit([...selected].filter((id) => inYear.has(id)).sort((a, b) => a - b));
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${ID}-title`} onClose={onClose}>
      <form onSubmit={onSubmit}>
        <h2 id={`${ID}-title`}>Scope of {user.name}</h2>
        <p className="hint">
          {roleLabel(user.role)}: sees the budgets below the nodes picked here, at level {level}. Several
          nodes only when they share one parent. Saving replaces the whole scope.
        </p>
        <h3>Current scope</h3>
        {scope.isPending ? (
          <p className="loading">Loading…</p>
        ) : scope.data && scope.data.nodes.length > 0 ? (
          <ul className="scope-paths" aria-label="Current scope">
            {scope.data.nodes.map((node) => (
              <li key={node.id}>
                {node.path.join(' › ')} <span className="muted">({node.year})</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">None: this user sees no budgets yet.</p>
        )}
        <ErrorNotice error={scope.error ?? years.error} prefix="The scope could not be loaded" />

        {years.data && years.data.length === 0 ? (
          <p>No budget year is defined yet: load a chart of accounts first.</p>
        ) : (
          <>
            <div className="filters">
              <YearSelect id={`${ID}-year`} years={years.data ?? []} value={shownYear} onChange={pickYear} />
              <div className="field field-grow">
                <label htmlFor={`${ID}-filter`}>Find</label>
                <input
                  id={`${ID}-filter`}
                  type="search"
                  value={filter}
                  placeholder="Any name on the path"
                  onChange={(e) => setFilter(e.target.value)}
                />
              </div>
            </div>
            <ErrorNotice error={hierarchy.error} prefix="The hierarchy could not be loaded" />
            <fieldset className="scope-picker" aria-describedby={errors.length ? `${ID}-errors` : undefined}>
              <legend>
                {levelLabel} nodes of {shownYear}
              </legend>
              {hierarchy.isPending && shownYear !== null ? (
                <p className="loading">Loading the hierarchy…</p>
              ) : shown.length === 0 ? (
                <p className="muted">
                  No {levelLabel.toLowerCase()} nodes{words ? ' match' : ''}.
                </p>
              ) : (
                <ul className="checklist">
                  {shown.map((row) => (
                    <li key={row.node.id}>
                      <label>
                        <input
                          type="checkbox"
                          checked={selected.has(row.node.id)}
                          onChange={() => toggle(row.node.id)}
                        />
                        <span>{row.path.join(' › ')}</span>
                      </label>
                    </li>
                  ))}
                </ul>
              )}
            </fieldset>
          </>
        )}
        <ErrorNotice error={save.error} prefix="The scope was not saved" />
        <FieldErrors id={`${ID}-errors`} messages={errors.length ? errors : undefined} />
        <div className="actions dialog-actions">
          <button type="submit" disabled={save.isPending || hierarchy.data === undefined}>
            {save.isPending ? 'Saving…' : 'Save scope'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={save.isPending || current.size === 0}
            onClick={() => submit([])}
          >
            Clear scope
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}
