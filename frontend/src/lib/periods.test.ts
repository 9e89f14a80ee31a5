import { describe, expect, it } from 'vitest';
import {
  addDays,
  defaultRemapDate,
  nextPeriodStart,
  isFirstOfMonth,
  isIsoDate,
  isMonday,
  isPeriodStart,
  latestPeriodStart,
  localIsoDate,
  periodStartProblem,
  previousMonth,
  weekday,
} from './periods';

describe('Monday or the 1st', () => {
  it.each([
    ['2026-11-23', true, false], // a Monday
    ['2026-11-30', true, false],
    ['2026-12-01', false, true], // a Tuesday, but the 1st
    ['2026-06-01', true, true], // both
    ['2026-11-27', false, false], // a Friday
    ['2024-02-29', false, false], // leap day, a Thursday
  ])('%s: Monday %s, 1st %s', (iso, monday, first) => {
    expect(isMonday(iso)).toBe(monday);
    expect(isFirstOfMonth(iso)).toBe(first);
    expect(isPeriodStart(iso)).toBe(monday || first);
  });

  it('knows the weekday without any time zone (Sunday is 0)', () => {
    expect(weekday('2026-11-29')).toBe(0);
    expect(weekday('2026-11-28')).toBe(6);
    expect(weekday('1999-12-31')).toBe(5);
  });

  it('refuses text that is not a real date', () => {
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-13-01')).toBe(false);
    expect(isIsoDate('26-11-23')).toBe(false);
    expect(isPeriodStart('2026-02-30')).toBe(false);
    expect(weekday('nonsense')).toBeNull();
  });

  it('says what is wrong with a remap date', () => {
    expect(periodStartProblem('')).toBe('Choose the date the new split starts.');
    expect(periodStartProblem('2026-02-30')).toBe('2026-02-30 is not a date (YYYY-MM-DD).');
    expect(periodStartProblem('2026-11-27')).toBe('2026-11-27 is neither a Monday nor the 1st of a month.');
    expect(periodStartProblem('2026-11-23')).toBeNull();
    expect(periodStartProblem('2026-12-01')).toBeNull();
  });
});

describe('date arithmetic on text', () => {
  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('finds the latest period start: this Monday or the 1st, whichever is later', () => {
    expect(latestPeriodStart('2026-11-27')).toBe('2026-11-23'); // Friday → Monday
    expect(latestPeriodStart('2026-11-23')).toBe('2026-11-23'); // a Monday itself
    expect(latestPeriodStart('2026-12-03')).toBe('2026-12-01'); // Monday was in November
    expect(latestPeriodStart('2026-11-29')).toBe('2026-11-23'); // Sunday → the Monday before
  });

  it("takes the viewer's own calendar date", () => {
    expect(localIsoDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });

  it('steps back one month', () => {
    expect(previousMonth('2026-11')).toBe('2026-10');
    expect(previousMonth('2026-01')).toBe('2025-12');
  });
});

describe('where a remap starts by default', () => {
  it('finds the next Monday or 1st after a date', () => {
    expect(nextPeriodStart('2026-11-23')).toBe('2026-11-30');
    expect(nextPeriodStart('2026-11-30')).toBe('2026-12-01');
    expect(nextPeriodStart('2026-12-01')).toBe('2026-12-07');
  });

  it('is in force today, unless the latest split starts later', () => {
    expect(defaultRemapDate('2026-11-27', null)).toBe('2026-11-23');
    expect(defaultRemapDate('2026-11-27', '2026-11-01')).toBe('2026-11-23');
    expect(defaultRemapDate('2026-11-27', '2026-11-23')).toBe('2026-11-30');
    expect(defaultRemapDate('2026-11-27', '2027-01-01')).toBe('2027-01-04');
  });
});
