/**
 * The model shared by the KPI budget tests (API and browser): a team level with a budget of
 * 2 whose objective links 3 KPIs (over), and an organisation objective with the default 7.
 */
export const KPI_BUDGET_CONFIG = `
alignment:
  kpiBudget: { team: 2 }
objectives:
  - { id: org, name: Company, level: organisation }
  - { id: squad, name: Checkout squad, level: team, parent: org }
kpis:
  - { id: a, name: A, objective: org, metric: m.a, aggregation: count, window: 1h, target: 1 }
  - { id: b, name: B, objective: squad, metric: m.b, aggregation: count, window: 1h, target: 1 }
  - { id: c, name: C, objective: squad, metric: m.c, aggregation: count, window: 1h, target: 1 }
  - { id: d, name: D, objective: squad, metric: m.d, aggregation: count, window: 1h, target: 1 }
`;
