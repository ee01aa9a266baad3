import type { BreakdownResponse, DimensionsResponse } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { KpiDetailModel } from './KpiDetailModel.svelte.ts';
import { COMMON_DIMS, DEFAULT_VIEW } from './view.ts';

const dimensions = (...names: string[]): DimensionsResponse => ({
  kpi: 'orders',
  from: 0,
  to: 1,
  events: 10,
  dimensions: names.map((name) => ({ name, events: 10 })),
});
const breakdown = (dim: string): BreakdownResponse => ({ kpi: 'orders', dim, from: 0, to: 1, groups: [], other: null });

// The constructor fetches nothing (start() does), so the state is set here as a load would set it.
describe('the breakdown the KPI page shows', () => {
  it('offers the common dimensions until the store says which the events carry, then those', () => {
    const model = new KpiDetailModel('orders', DEFAULT_VIEW);
    expect(model.carried).toBeNull();
    expect(model.dimChoices).toEqual(COMMON_DIMS);
    model.dimensions = { value: dimensions('region', 'plan'), error: null };
    expect(model.carried?.map((d) => d.name)).toEqual(['region', 'plan']);
    expect(model.dimChoices).toEqual(['region', 'plan']);
  });

  it('says a dimension the events do not carry, once it knows what they carry', () => {
    const model = new KpiDetailModel('orders', { ...DEFAULT_VIEW, dim: 'country' });
    expect(model.notCarried).toBe(false);
    model.dimensions = { value: dimensions('region'), error: null };
    expect(model.notCarried).toBe(true);
    model.dimensions = { value: dimensions('region', 'country'), error: null };
    expect(model.notCarried).toBe(false);
  });

  it('shows a breakdown only for the view dimension, never the last one fetched for another', () => {
    const model = new KpiDetailModel('orders', { ...DEFAULT_VIEW, dim: 'region' });
    expect(model.shownBreakdown).toBeNull();
    model.breakdown = { value: { dim: 'channel', response: breakdown('channel') }, error: null };
    expect(model.shownBreakdown).toBeNull();
    const region = { dim: 'region', response: breakdown('region') };
    model.breakdown = { value: region, error: null };
    expect(model.shownBreakdown).toEqual(region);
  });

  it('without a dimension there is nothing not carried and no breakdown', () => {
    const model = new KpiDetailModel('orders', DEFAULT_VIEW);
    model.dimensions = { value: dimensions(), error: null };
    model.breakdown = { value: { dim: 'region', response: breakdown('region') }, error: null };
    expect(model.notCarried).toBe(false);
    expect(model.shownBreakdown).toBeNull();
  });
});
