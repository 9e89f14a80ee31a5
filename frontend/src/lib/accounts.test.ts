import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { ACCOUNT_CSV_COLUMNS, discoverySummary, sourceLabel } from './accounts';

describe('accounts', () => {
  it('sums up a check for new accounts with what each source said', () => {
    expect(
      discoverySummary({
        created: ['111111111111', '222222222222'],
        updated: [],
        unchanged: 5,
        sources: { organizations: 'not configured', cur: 'ok' },
      }),
    ).toBe('2 new, 0 updated, 5 unchanged. Sources — AWS Organizations: not configured; CUR: ok.');
  });

  it('labels sources', () => {
    expect(sourceLabel('manual')).toBe('Added by hand');
    expect(sourceLabel('other')).toBe('other');
  });

  it('writes the list as CSV', () => {
    expect(
      toCsv(ACCOUNT_CSV_COLUMNS, [
        {
          account_id: '000123456789',
          name: 'Payments, prod',
          email: null,
          account_type: 'Production',
          source: 'manual',
          status: 'ACTIVE',
          vended_date: '2026-11-02',
        },
      ]),
    ).toBe(
      'account_id,name,email,account_type,source,status,vended_date\r\n000123456789,"Payments, prod",,Production,manual,ACTIVE,2026-11-02\r\n',
    );
  });
});
