// @vitest-environment happy-dom
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { toggled, useSelection, type Selection } from './useSelection';

interface Row {
  id: string;
}

// The smallest harness for a hook: a component that renders it and hands back its latest value.
function renderSelection(initial: readonly Row[]) {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  const root = createRoot(document.createElement('div'));
  let latest: Selection<Row> | undefined;
  function Probe({ rows }: { rows: readonly Row[] }) {
    latest = useSelection(rows, (row) => row.id);
    return null;
  }
  const render = (rows: readonly Row[]) => act(() => root.render(createElement(Probe, { rows })));
  render(initial);
  cleanups.push(() => act(() => root.unmount()));
  return {
    get current() {
      if (!latest) throw new Error('not rendered');
      return latest;
    },
    rerender: render,
    act: (f: (selection: Selection<Row>) => void) => act(() => f(latest!)),
  };
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

const rows = (...ids: string[]) => ids.map((id) => ({ id }));
const ids = (selection: Selection<Row>) => selection.chosen.map((row) => row.id);

describe('useSelection', () => {
  it('starts with nothing ticked', () => {
    const hook = renderSelection(rows('a', 'b'));
    expect(ids(hook.current)).toEqual([]);
    expect(hook.current.allSelected).toBe(false);
    expect(hook.current.isSelected({ id: 'a' })).toBe(false);
  });

  it('ticks and unticks rows one by one, in the order shown', () => {
    const list = rows('a', 'b', 'c');
    const hook = renderSelection(list);
    hook.act((s) => s.toggle(list[2], true));
    hook.act((s) => s.toggle(list[0], true));
    expect(ids(hook.current)).toEqual(['a', 'c']);
    expect(hook.current.isSelected(list[2])).toBe(true);
    hook.act((s) => s.toggle(list[2], false));
    expect(ids(hook.current)).toEqual(['a']);
    expect(hook.current.allSelected).toBe(false);
  });

  it('selects all the rows shown, and none', () => {
    const hook = renderSelection(rows('a', 'b'));
    hook.act((s) => s.selectAll(true));
    expect(ids(hook.current)).toEqual(['a', 'b']);
    expect(hook.current.allSelected).toBe(true);
    hook.act((s) => s.selectAll(false));
    expect(ids(hook.current)).toEqual([]);
    expect(hook.current.allSelected).toBe(false);
  });

  it('ticking the last row by hand fills the select-all box', () => {
    const list = rows('a', 'b');
    const hook = renderSelection(list);
    hook.act((s) => s.toggle(list[0], true));
    hook.act((s) => s.toggle(list[1], true));
    expect(hook.current.allSelected).toBe(true);
  });

  it('counts only the rows shown, and keeps a tick while its row is away', () => {
    const hook = renderSelection(rows('a', 'b', 'c'));
    hook.act((s) => s.selectAll(true));
    hook.rerender(rows('a', 'c'));
    expect(ids(hook.current)).toEqual(['a', 'c']);
    expect(hook.current.allSelected).toBe(true);
    hook.rerender(rows('a', 'b', 'c', 'd'));
    expect(ids(hook.current)).toEqual(['a', 'b', 'c']);
    expect(hook.current.allSelected).toBe(false);
  });

  it('an empty table is never all selected', () => {
    const hook = renderSelection([]);
    hook.act((s) => s.selectAll(true));
    expect(hook.current.allSelected).toBe(false);
  });

  it('clears every tick', () => {
    const hook = renderSelection(rows('a', 'b'));
    hook.act((s) => s.selectAll(true));
    hook.act((s) => s.clear());
    expect(ids(hook.current)).toEqual([]);
  });
});

describe('toggled', () => {
  it('toggles ids in a new set', () => {
    const one = new Set(['a']);
    expect([...toggled(one, 'b')]).toEqual(['a', 'b']);
    expect([...toggled(one, 'a')]).toEqual([]);
    expect([...toggled(one, 'a', true)]).toEqual(['a']);
    expect([...one]).toEqual(['a']);
  });
});
