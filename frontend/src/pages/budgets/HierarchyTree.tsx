import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { HierarchyNodeRead, HierarchyRead } from '../../client';
import { Amount } from '../../components/Amount';
import { ScheduleBadge } from '../../components/ScheduleBadge';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { CURRENCY } from '../../lib/money';
import { expandedIds, flattenTree, visibleRows, type TreeRow } from '../../lib/tree';

const CSV_COLUMNS: CsvColumn<TreeRow<HierarchyNodeRead>>[] = [
  { header: 'level', value: (r) => r.node.level },
  { header: 'level_label', value: (r) => r.node.label },
  { header: 'path', value: (r) => r.path.join(' / ') },
  { header: 'name', value: (r) => r.node.name },
  { header: 'annual_amount', value: (r) => csvDecimal(r.node.annual_amount) },
  { header: 'currency', value: () => CURRENCY },
  { header: 'budget_id', value: (r) => r.node.budget_id ?? null },
  { header: 'schedule_status', value: (r) => (r.node.budget_id ? (r.node.schedule_status ?? 'none') : null) },
];

/** The year's hierarchy visible to the caller, each node with its rolled-up annual amount
 * (active budgets). */
export function HierarchyTree({ hierarchy }: { hierarchy: HierarchyRead }) {
  // Open down to this depth (0: the top nodes, so the next level's totals show at once),
  // apart from the nodes the user opened or closed.
  const [openDepth, setOpenDepth] = useState(0);
  const [toggled, setToggled] = useState<Map<number, boolean>>(() => new Map());
  const expanded = expandedIds(hierarchy.nodes, openDepth, toggled);
  const rows = visibleRows(hierarchy.nodes, expanded);

  function toggle(id: number) {
    setToggled((before) => new Map(before).set(id, !expanded.has(id)));
  }

  function openTo(depth: number) {
    setOpenDepth(depth);
    setToggled(new Map());
  }

  if (hierarchy.nodes.length === 0) {
    return <p className="muted">Nothing in {hierarchy.year} is in your scope.</p>;
  }
  return (
    <>
      <div className="actions tree-actions">
        <button type="button" className="secondary" onClick={() => openTo(Infinity)}>
          Expand all
        </button>
        <button type="button" className="secondary" onClick={() => openTo(-1)}>
          Collapse all
        </button>
        <DownloadCsvButton
          list={`budget-hierarchy-${hierarchy.year}`}
          columns={CSV_COLUMNS}
          rows={() => flattenTree(hierarchy.nodes)}
        />
      </div>
      <div className="table-wrap">
        <table className="data-table tree-table" aria-label={`Hierarchy ${hierarchy.year}`}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Level</th>
              <th scope="col" className="num">
                Annual amount ({CURRENCY})
              </th>
              <th scope="col">Schedule</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.node.id}
                className={`tree-level-${row.node.level}`}
                data-path={row.path.join(' / ')}
              >
                <th scope="row">
                  <span className="tree-name" style={{ paddingLeft: `${row.depth * 1.5}rem` }}>
                    {row.hasChildren ? (
                      <button
                        type="button"
                        className="tree-toggle"
                        aria-expanded={row.expanded}
                        onClick={() => toggle(row.node.id)}
                      >
                        <span aria-hidden="true" className="tree-caret">
                          {row.expanded ? '▾' : '▸'}
                        </span>
                        {row.node.name}
                      </button>
                    ) : row.node.budget_id ? (
                      <Link to={`/budgets/${row.node.budget_id}`} className="tree-leaf">
                        {row.node.name}
                      </Link>
                    ) : (
                      <span className="tree-leaf">{row.node.name}</span>
                    )}
                  </span>
                </th>
                <td className="muted">{row.node.label}</td>
                <td className="num">
                  <Amount value={row.node.annual_amount} />
                </td>
                <td>{row.node.budget_id ? <ScheduleBadge status={row.node.schedule_status} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
