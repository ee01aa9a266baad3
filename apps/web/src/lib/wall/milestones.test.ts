import type { Milestone } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { MAX_QUEUED_MILESTONES, NO_CELEBRATION, dismissMilestone, milestoneKey, milestoneText, offerMilestone } from './milestones.ts';

function milestone(id: string, overrides: Partial<Milestone> = {}): Milestone {
  return { kind: 'kpi', id, name: id === 'orders' ? 'Orders' : id, period: '2026-Q4', value: 120, reachedAt: 1, ...overrides };
}

describe('milestoneText', () => {
  it('names the KPI or objective and the period', () => {
    expect(milestoneText(milestone('orders'))).toBe('Orders reached its target for 2026-Q4');
    expect(milestoneText(milestone('grow', { kind: 'objective', name: 'Grow' }))).toBe('Grow reached 100 % for 2026-Q4');
  });
});

describe('celebration queue', () => {
  it('shows one banner at a time and the next after a dismissal', () => {
    let s = offerMilestone(NO_CELEBRATION, milestone('a'));
    s = offerMilestone(s, milestone('b'));
    expect(s.current?.id).toBe('a');
    expect(s.queued.map((m) => m.id)).toEqual(['b']);
    s = dismissMilestone(s);
    expect(s.current?.id).toBe('b');
    s = dismissMilestone(s);
    expect(s.current).toBeNull();
  });

  it('celebrates each (kind, id, period) once', () => {
    let s = offerMilestone(NO_CELEBRATION, milestone('a'));
    s = dismissMilestone(s);
    expect(offerMilestone(s, milestone('a', { reachedAt: 99 }))).toBe(s);
    expect(offerMilestone(s, milestone('a', { period: '2027-Q1' })).current?.period).toBe('2027-Q1');
    expect(offerMilestone(s, milestone('a', { kind: 'objective' })).current?.kind).toBe('objective');
    expect(milestoneKey(milestone('a'))).toBe('kpi:a:2026-Q4');
  });

  it('drops a burst beyond the queue bound', () => {
    let s = NO_CELEBRATION;
    for (let i = 0; i < MAX_QUEUED_MILESTONES + 5; i++) s = offerMilestone(s, milestone(`k${i}`));
    expect(s.current?.id).toBe('k0');
    expect(s.queued).toHaveLength(MAX_QUEUED_MILESTONES);
  });
});
