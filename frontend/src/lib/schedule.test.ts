import { describe, expect, it } from 'vitest';
import type { ScheduleMonthRead } from '../client';
import { ApiError, toProblem } from './problem';
import {
  editsFromSpread,
  isDirty,
  isScheduleConflict,
  parseMoneyInput,
  scheduleLines,
  scheduleRights,
  scheduleStatusLabel,
  scheduleTotal,
  scheduleWrite,
  taskSubject,
  basisLabel,
  isEditableStatus,
  rescheduleNotice,
} from './schedule';

const month = (
  m: string,
  amount: string | null,
  over: Partial<ScheduleMonthRead> = {},
): ScheduleMonthRead => ({
  month: m,
  amount,
  workload_estimate: '0.00',
  closed: false,
  ...over,
});

describe('parseMoneyInput', () => {
  it.each([
    ['1000', 100000n],
    ['1,250.5', 125050n],
    ['$ 1250.50', 125050n],
    ['0', 0n],
    [' 0.01 ', 1n],
  ])('%j → %d cents', (text, cents) => {
    expect(parseMoneyInput(text)).toBe(cents);
  });

  it.each(['', '-5', '1.005', 'abc', '1e3'])('refuses %j', (text) => {
    expect(parseMoneyInput(text)).toBeNull();
  });
});

describe('the schedule editor', () => {
  const months = [
    month('2026-10', '1000.00', { closed: true, workload_estimate: '250.00' }),
    month('2026-11', '1000.00', { workload_estimate: '250.00' }),
    month('2026-12', null, { workload_estimate: '400.00' }),
  ];

  it('keeps a running total month by month, edits over saved amounts, closed months fixed', () => {
    const lines = scheduleLines(months, { '2026-10': '5', '2026-11': '1,500', '2026-12': '499.99' });
    expect(lines.map((l) => [l.month, l.text, l.cumulative, l.closed, l.estimate])).toEqual([
      ['2026-10', '1000.00', '1000.00', true, '250.00'],
      ['2026-11', '1,500', '2500.00', false, '250.00'],
      ['2026-12', '499.99', '2999.99', false, '400.00'],
    ]);
  });

  it('shows the difference to the annual amount, short or over', () => {
    const short = scheduleTotal(scheduleLines(months, { '2026-12': '999.99' }), '3000.00');
    expect(short).toEqual({
      total: '2999.99',
      annual: '3000.00',
      difference: '-0.01',
      balanced: false,
      invalidMonths: [],
    });
    const exact = scheduleTotal(scheduleLines(months, { '2026-12': '1000' }), '3000');
    expect(exact).toMatchObject({ total: '3000.00', difference: '0.00', balanced: true });
    const over = scheduleTotal(scheduleLines(months, { '2026-12': '1000.01' }), '3000');
    expect(over.difference).toBe('0.01');
  });

  it('is not balanced while a box is empty or invalid, even when the sum matches', () => {
    const total = scheduleTotal(
      scheduleLines([month('2026-11', null), month('2026-12', null)], { '2026-11': '3000', '2026-12': 'x' }),
      '3000',
    );
    expect(total).toMatchObject({ total: '3000.00', balanced: false, invalidMonths: ['2026-12'] });
  });

  it('sends exactly the open months, as plain two-decimal amounts', () => {
    expect(scheduleWrite(scheduleLines(months, { '2026-11': '1,500', '2026-12': '500.5' }))).toEqual([
      { month: '2026-11', amount: '1500.00' },
      { month: '2026-12', amount: '500.50' },
    ]);
  });

  it('takes a spread as edits, leaving closed months alone', () => {
    expect(
      editsFromSpread(
        [
          { month: '2026-10', amount: '1000.00' },
          { month: '2026-11', amount: '1000.00' },
        ],
        new Set(['2026-10']),
      ),
    ).toEqual({ '2026-11': '1000.00' });
  });

  it('knows when there is something to save', () => {
    expect(isDirty(months, {})).toBe(false);
    expect(isDirty(months, { '2026-11': '1,000' })).toBe(false);
    expect(isDirty(months, { '2026-11': '1,000.01' })).toBe(true);
    expect(isDirty(months, { '2026-12': '' })).toBe(false);
    expect(isDirty(months, { '2026-12': '5' })).toBe(true);
    expect(isDirty(months, { '2026-10': '5' })).toBe(false); // closed
  });
});

describe('who may do what with a schedule', () => {
  const owner = { id: 1, permissions: ['monitor', 'edit_schedules'] };
  const decider = { id: 2, permissions: ['monitor', 'decide_schedules'] };
  const admin = { id: 3, permissions: ['manage_budgets', 'decide_schedules'] };
  const schedule = (status: string, submitted: number | null = null, requested: number | null = null) => ({
    status: status as 'draft',
    submitted_by_id: submitted,
    reschedule_requested_by_id: requested,
  });

  it('lets the owner edit and submit a draft or a rejected schedule, and ask to reschedule an approved one', () => {
    expect(scheduleRights(schedule('rejected'), owner)).toMatchObject({ edit: true, decide: false });
    expect(scheduleRights(schedule('none'), owner)).toMatchObject({ edit: true });
    expect(scheduleRights(schedule('pending', 1), owner)).toMatchObject({
      edit: false,
      requestReschedule: false,
    });
    expect(scheduleRights(schedule('approved'), owner)).toMatchObject({
      edit: false,
      requestReschedule: true,
    });
  });

  it('lets the decider approve, reject, grant and decline, never on their own request', () => {
    expect(scheduleRights(schedule('pending', 1), decider)).toMatchObject({
      decide: true,
      ownRequest: false,
    });
    expect(scheduleRights(schedule('reschedule_requested', 1, 1), decider)).toMatchObject({
      decideReschedule: true,
      edit: false,
    });
    expect(scheduleRights(schedule('pending', 3), admin)).toMatchObject({ decide: true, ownRequest: true });
  });

  it('labels every status', () => {
    expect(scheduleStatusLabel('reschedule_requested')).toBe('Reschedule requested');
    expect(scheduleStatusLabel(undefined)).toBe('Not scheduled');
    expect(scheduleStatusLabel('something-new')).toBe('something-new');
  });

  it('recognises a stale version', () => {
    expect(
      isScheduleConflict(new ApiError(toProblem(409, { detail: 'the schedule changed meanwhile' }))),
    ).toBe(true);
    expect(isScheduleConflict(new ApiError(toProblem(422, { detail: 'no' })))).toBe(false);
  });
});

describe('taskSubject', () => {
  it('names the budget a task is about', () => {
    expect(taskSubject('Approve the schedule of North › Sales › Retail › Web Shop')).toBe(
      'North › Sales › Retail › Web Shop',
    );
    expect(taskSubject('Fix and resubmit the schedule of A › B')).toBe('A › B');
    expect(taskSubject('Reschedule requested for A › B')).toBe('A › B');
    expect(taskSubject('Something else')).toBe('Something else');
    expect(
      taskSubject('Reschedule A › B: the amount in force is 400,000.00, the schedule totals 360,000.00'),
    ).toBe('A › B');
  });
});

describe('needs a reschedule', () => {
  it('is editable, and says the amounts and the gap', () => {
    expect(isEditableStatus('needs_reschedule')).toBe(true);
    expect(isEditableStatus('approved')).toBe(false);
    expect(
      rescheduleNotice({ annual_amount: '400000.00', scheduled_total: '360000.00', amount_gap: '40000.00' }),
    ).toContain('in force is 400,000.00; the approved schedule totals 360,000.00 (40,000.00 short)');
    expect(
      rescheduleNotice({ annual_amount: '300000.00', scheduled_total: '360000.00', amount_gap: '-60000.00' }),
    ).toContain('(60,000.00 over)');
  });
});

describe('basisLabel', () => {
  it('names the approval date and version, or nothing without an approval', () => {
    expect(basisLabel({ version: 3, approved_at: '2026-12-02T10:00:00Z' })).toBe(
      'against the approved schedule of 2 Dec 2026, version 3',
    );
    expect(basisLabel({ version: 5, approved_at: null })).toBe('against the approved schedule of version 5');
    expect(basisLabel(null)).toBeNull();
  });
});
