import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  MAX_CLIENT_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  isServerMessage,
  parseClientMessage,
  type ClientMessage,
  type ClientMessageType,
  type LiveScope,
  type KpiSeqs,
  type KpiStatePatch,
  type KpiUpdate,
  type ServerMessage,
  type SparkPatch,
  type ServerMessageType,
} from './protocol.ts';
import { ORDERS_STATE } from './kpi-state.fixture.ts';
import type { KpiState } from './status.ts';

const state = ORDERS_STATE;

describe('server messages', () => {
  const messages: ServerMessage[] = [
    { type: 'hello', protocol: PROTOCOL_VERSION, serverVersion: '1', serverTime: 1, instance: 'abc', resumeToken: 'abc.7' },
    // what a server from before resume tokens sends is still a hello
    { type: 'hello', protocol: PROTOCOL_VERSION, serverVersion: '1', serverTime: 1 },
    { type: 'snapshot', serverTime: 1, objectives: [], kpis: [], goals: [], alerts: [], seqs: { orders: 4 }, cursor: 9 },
    {
      type: 'delta',
      serverTime: 1,
      kpis: [
        { id: 'orders', seq: 5, state: { ...state }, spark: [[1, 2]] },
        { id: 'revenue', seq: 6, base: 4, set: { value: 7, anomaly: null }, sparkPatch: { drop: 1, keep: 59, add: [[3, null]] } },
        { id: 'visits', seq: 7, base: 2, spark: [] },
      ],
      objectives: [{ id: 'sales', attainment: 50, status: 'at_risk', troubled: ['orders'], kpiCount: 2 }],
    },
    { type: 'delta', serverTime: 1, kpis: [], objectives: [], replay: true },
    { type: 'heartbeat', serverTime: 1 },
  ];

  it.each(messages)('round-trips $type through JSON and is recognised', (msg) => {
    const back: unknown = JSON.parse(JSON.stringify(msg));
    expect(back).toEqual(msg);
    expect(isServerMessage(back)).toBe(true);
  });

  it('types the union and its additive fields', () => {
    expectTypeOf<ServerMessageType>().toEqualTypeOf<'hello' | 'snapshot' | 'delta' | 'milestone' | 'alert' | 'heartbeat'>();
    type Hello = Extract<ServerMessage, { type: 'hello' }>;
    expectTypeOf<Hello['resumeToken']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Hello['protocol']>().toEqualTypeOf<typeof PROTOCOL_VERSION>();
    expectTypeOf<Extract<ServerMessage, { type: 'delta' }>['kpis']>().toEqualTypeOf<KpiUpdate[]>();
    expectTypeOf<KpiUpdate['set']>().toEqualTypeOf<KpiStatePatch | undefined>();
    // a patch never renames a KPI, and every other field of a state may be in it
    expectTypeOf<keyof KpiStatePatch>().toEqualTypeOf<Exclude<keyof KpiState, 'id'>>();
    expectTypeOf<KpiUpdate['sparkPatch']>().toEqualTypeOf<SparkPatch | undefined>();
    expectTypeOf<Extract<ServerMessage, { type: 'snapshot' }>['seqs']>().toEqualTypeOf<KpiSeqs | undefined>();
    expectTypeOf<Extract<ServerMessage, { type: 'alert' }>['seq']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<KpiSeqs>().toEqualTypeOf<Record<string, number>>();
  });
});

describe('client messages', () => {
  const valid: ClientMessage[] = [
    { type: 'subscribe', kpis: ['orders'] },
    { type: 'subscribe', objectives: ['sales'], boards: [{ id: 'ops', kpis: ['orders', 'revenue'] }] },
    { type: 'unsubscribe', kpis: ['orders'] },
    { type: 'subscribe', all: true },
    { type: 'unsubscribe', all: true, boards: [{ id: 'ops', kpis: [] }] },
    { type: 'resume', token: 'abc.7', seqs: { orders: 4 }, cursor: 9 },
    { type: 'resume', token: 'abc.7', seqs: {}, scope: { boards: [{ id: 'ops', kpis: ['orders'] }] } },
    { type: 'resume', token: 'abc.7', seqs: {} },
  ];

  it.each(valid)('round-trips $type', (msg) => {
    expect(parseClientMessage(JSON.stringify(msg))).toEqual({ ok: true, message: msg });
  });

  it.each([
    ['not JSON', '{"type":', 'malformed'],
    ['an unknown type', '{"type":"shout"}', 'invalid'],
    ['an unknown field', '{"type":"subscribe","kpis":["a"],"everything":true}', 'invalid'],
    ['a negative seq', '{"type":"resume","token":"a.1","seqs":{"a":-1}}', 'invalid'],
    ['a fractional seq', '{"type":"resume","token":"a.1","seqs":{"a":1.5}}', 'invalid'],
    ['an empty id', '{"type":"subscribe","kpis":[""]}', 'invalid'],
    ['all: false (leave it out instead)', '{"type":"subscribe","all":false}', 'invalid'],
    ['a resume scope with an unknown part', '{"type":"resume","token":"a.1","seqs":{},"scope":{"teams":["x"]}}', 'invalid'],
    ['an array', '[]', 'invalid'],
    ['too many ids', JSON.stringify({ type: 'subscribe', kpis: Array.from({ length: 501 }, (_, i) => `k${i}`) }), 'invalid'],
    ['too large', JSON.stringify({ type: 'subscribe', kpis: ['x'.repeat(MAX_CLIENT_MESSAGE_BYTES)] }), 'oversized'],
  ])('refuses %s', (_what, text, reason) => {
    expect(parseClientMessage(text)).toEqual({ ok: false, reason });
  });

  it('types the union', () => {
    expectTypeOf<ClientMessageType>().toEqualTypeOf<'subscribe' | 'unsubscribe' | 'resume'>();
    expectTypeOf<Extract<ClientMessage, { type: 'resume' }>['seqs']>().toEqualTypeOf<Record<string, number>>();
    expectTypeOf<Extract<ClientMessage, { type: 'subscribe' }>['kpis']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<Extract<ClientMessage, { type: 'subscribe' }>['all']>().toEqualTypeOf<true | undefined>();
    expectTypeOf<Extract<ClientMessage, { type: 'resume' }>['scope']>().toEqualTypeOf<LiveScope | undefined>();
  });
});
