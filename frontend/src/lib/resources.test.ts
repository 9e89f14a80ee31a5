import { describe, expect, it } from 'vitest';
import { ApiError, toProblem } from './problem';
import type { ClaimRead } from '../client';
import { toCsv } from './csv';
import {
  claimCsvColumns,
  filterClaims,
  formatTags,
  refusedResources,
  RESOURCE_CSV_COLUMNS,
} from './resources';

describe('refusedResources', () => {
  it('ties every refusal of a 422 to its resource', () => {
    const error = new ApiError(
      toProblem(422, {
        detail: '3 resource(s) cannot be claimed; nothing was claimed',
        errors: [
          {
            field: 'claims.0.resource_ids.0',
            message: 'i-1 is not a resource of account 111111111111 in the CUR',
          },
          {
            field: 'claims.0.resource_ids.2',
            message: 'i-3 is already claimed by workload 4 (release it first)',
          },
          { field: 'claims.1.resource_ids.0', message: 'vol-9 is named twice' },
          { field: 'effective_from', message: '2026-10 closed: a claim cannot change a closed month' },
        ],
      }),
    );
    expect(refusedResources(error, [['i-1', 'i-2', 'i-3'], ['vol-9']])).toEqual([
      { resourceId: 'i-1', message: 'i-1 is not a resource of account 111111111111 in the CUR' },
      { resourceId: 'i-3', message: 'i-3 is already claimed by workload 4 (release it first)' },
      { resourceId: 'vol-9', message: 'vol-9 is named twice' },
      { resourceId: null, message: '2026-10 closed: a claim cannot change a closed month' },
    ]);
  });

  it('reads a release refusal (no claims prefix) and ignores other errors', () => {
    const error = new ApiError(
      toProblem(422, { detail: 'x', errors: [{ field: 'resource_ids.1', message: 'b is not claimed' }] }),
    );
    expect(refusedResources(error, [['a', 'b']])).toEqual([{ resourceId: 'b', message: 'b is not claimed' }]);
    expect(refusedResources(new Error('boom'), [['a']])).toEqual([]);
  });
});

describe('tags', () => {
  it('writes tags sorted by key', () => {
    expect(formatTags({ team: 'web', env: 'prod', flag: '' })).toBe('env=prod, flag, team=web');
  });
});

describe('resources and claims as CSV', () => {
  it('writes resources with their tags on one cell and the cost as it came', () => {
    expect(
      toCsv(RESOURCE_CSV_COLUMNS, [
        {
          resource_id: 'arn:aws:ec2:eu-west-1:000123456789:instance/i-1',
          service: 'AmazonEC2',
          account_id: '000123456789',
          region: 'eu-west-1',
          tags: { team: 'web', env: 'prod' },
          cost: '12.3456',
          period: '2026-10',
          status: 'open',
        },
      ]),
    ).toBe(
      'resource_id,service,account_id,region,tags,cost,period\r\n' +
        'arn:aws:ec2:eu-west-1:000123456789:instance/i-1,AmazonEC2,000123456789,eu-west-1,"env=prod, team=web",12.3456,2026-10\r\n',
    );
  });

  const claim: ClaimRead = {
    id: 5,
    account_id: '000123456789',
    resource_id: 'i-1',
    workload_id: 3,
    budget_id: 9,
    claimed_at: '2026-11-27T08:00:00Z',
    claimed_by: 'po@corp.com',
    effective_from: '2026-11-28',
    released_at: null,
    released_by: null,
    effective_to: null,
    status: 'open',
  };

  it('writes claims with the workload and budget named', () => {
    const csv = toCsv(
      claimCsvColumns(
        () => 'Checkout API',
        () => 'North › Sales › Retail › Web Shop',
      ),
      [claim],
    );
    expect(csv.split('\r\n')[1]).toBe(
      '5,i-1,000123456789,9,North › Sales › Retail › Web Shop,3,Checkout API,2026-11-27T08:00:00Z,po@corp.com,2026-11-28,open,,,',
    );
  });

  it('finds claims by resource, account or workload name', () => {
    const name = (id: number) => (id === 3 ? 'Checkout API' : 'Other');
    expect(filterClaims([claim], 'checkout', name)).toHaveLength(1);
    expect(filterClaims([claim], 'i-1 0001', name)).toHaveLength(1);
    expect(filterClaims([claim], 'nothing', name)).toHaveLength(0);
    expect(filterClaims([claim], '  ', name)).toHaveLength(1);
  });
});
