import { describe, expect, it } from 'vitest';
import { toReviewRows } from './reviewRow.ts';

const NOW = Date.UTC(2026, 10, 25);

describe('toReviewRows', () => {
  it('reads nested and flat subjects, overdue first', () => {
    const rows = toReviewRows(
      [
        {
          subject: { kind: 'kpi', id: 'orders' },
          name: 'Orders',
          owner: 'ana',
          cadence: 'weekly',
          dueAt: NOW + 1000,
          overdue: false,
          lastCheckinAt: null,
        },
        { kind: 'objective', id: 'grow', cadence: 'monthly', due: '2026-11-01T00:00:00Z', lastCheckin: { at: NOW - 5 } },
        { kind: 'team', id: 'x' },
        'junk',
      ],
      NOW,
    );
    expect(rows.map((r) => r.id)).toEqual(['grow', 'orders']);
    expect(rows[0]).toMatchObject({
      kind: 'objective',
      name: 'grow',
      owner: null,
      overdue: true,
      dueAt: Date.UTC(2026, 10, 1),
      lastCheckinAt: NOW - 5,
    });
    expect(rows[1]).toMatchObject({ name: 'Orders', owner: 'ana', cadence: 'weekly', overdue: false });
  });

  it('accepts a wrapped list and nothing at all', () => {
    expect(toReviewRows({ reviews: [{ kind: 'kpi', id: 'a', review: 'weekly' }] }, NOW)[0]?.cadence).toBe('weekly');
    expect(toReviewRows(undefined, NOW)).toEqual([]);
  });
});
