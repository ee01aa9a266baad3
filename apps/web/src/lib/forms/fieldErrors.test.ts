import { describe, expect, it } from 'vitest';
import { hasErrors, mapFieldErrors, NO_ERRORS } from './fieldErrors.ts';

const FIELDS = [
  'id',
  'name',
  'filter',
  'window',
  'ratio.numerator.metric',
  'ratio',
  'targets[0].period',
  'objective',
  'objectives[1].weight',
];

describe('mapFieldErrors', () => {
  it('puts each detail next to its field', () => {
    const errors = mapFieldErrors(
      [
        { field: 'window', message: 'must be a rolling window' },
        { field: 'name', message: 'must not be empty' },
        { field: 'window', message: 'second problem' },
      ],
      FIELDS,
    );
    expect(errors.byField).toEqual({ window: ['must be a rolling window', 'second problem'], name: ['must not be empty'] });
    expect(errors.other).toEqual([]);
  });

  it('goes to the closest field above a nested path', () => {
    const errors = mapFieldErrors(
      [
        { field: 'filter.region', message: 'must be at most 256 characters' },
        { field: 'ratio.numerator.metric', message: 'bad metric' },
        { field: 'ratio.denominator.distinctBy', message: 'is required' },
        { field: 'targets[0].period', message: 'duplicate period' },
      ],
      FIELDS,
    );
    expect(errors.byField).toEqual({
      filter: ['region: must be at most 256 characters'],
      'ratio.numerator.metric': ['bad metric'],
      ratio: ['denominator.distinctBy: is required'],
      'targets[0].period': ['duplicate period'],
    });
  });

  it('renames aliased paths and keeps the rest apart', () => {
    const errors = mapFieldErrors(
      [
        { field: 'objectives[0].id', message: 'no objective "x"' },
        { field: 'tags', message: 'too many' },
        { field: '(body)', message: 'body is not valid JSON' },
      ],
      FIELDS,
      { 'objectives[0].id': 'objective' },
    );
    expect(errors.byField).toEqual({ objective: ['no objective "x"'] });
    expect(errors.other).toEqual(['tags: too many', 'body is not valid JSON']);
    expect(hasErrors(errors)).toBe(true);
    expect(hasErrors(NO_ERRORS)).toBe(false);
  });

  it('does not confuse a field with another that starts alike', () => {
    expect(mapFieldErrors([{ field: 'identity', message: 'x' }], ['id']).other).toEqual(['identity: x']);
  });
});
