import { describe, expect, it } from 'vitest';
import type { RefreshStatusRead } from '../client';
import { describeProgress, describeRefresh, formatDuration } from './refresh';

const base: RefreshStatusRead = {
  state: 'running',
  by: 'Frank Finance',
  source: '/data/cur',
  started_at: '2026-12-02T09:00:00Z',
  finished_at: null,
  duration_seconds: null,
  stage: 'aggregate',
  done: 3,
  total: 12,
  periods_done: 0,
  periods_total: 0,
  rows_read: 1234567,
  periods: [],
  message: null,
};

describe('describeProgress', () => {
  it('says the stage, its files and the rows read', () => {
    expect(describeProgress(base)).toBe('Reading the CUR: 3 of 12 · 1,234,567 rows read');
  });

  it('counts periods once they are being written', () => {
    expect(describeProgress({ ...base, stage: 'accounts', periods_done: 2, periods_total: 9 })).toBe(
      'Writing billing periods · periods 2 of 9 · 1,234,567 rows read',
    );
  });
});

describe('describeRefresh', () => {
  it('tells who, how many periods and rows, and how long', () => {
    const done = {
      ...base,
      state: 'done',
      finished_at: '2026-12-02T09:00:04Z',
      duration_seconds: 4.2,
      periods: ['2026-11', '2026-12'],
    };
    expect(describeRefresh(done)).toMatch(/by Frank Finance: 2 periods, 1,234,567 rows in 4\.2 s$/);
  });

  it('says why a refresh failed', () => {
    const failed = { ...base, state: 'failed', message: 'part-0.parquet: not a readable parquet file' };
    expect(describeRefresh(failed)).toMatch(/failed — part-0\.parquet: not a readable parquet file$/);
  });
});

describe('formatDuration', () => {
  it('reads like a person would say it', () => {
    expect(formatDuration(0.42)).toBe('0.4 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 5 s');
  });
});
