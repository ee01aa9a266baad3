import type { ClickHouseClient } from '@clickhouse/client';
import { Hono, type Context } from 'hono';
import type { ModelService } from '../model/model-service.ts';
import { buildMonthlyReport, ReportError, type ReportDeps } from '../report/monthly-report.ts';
import { reportPdf } from '../report/report-pdf.ts';
import type { AlertRepo } from '../store/alert-repo.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import { querySeries } from '../store/series-query.ts';
import { badQuery, jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';

export interface ReportRouteDeps {
  model: ModelService;
  clickhouse: ClickHouseClient;
  repo: Pick<ModelRepo, 'checkins' | 'annotations'>;
  alertRepo: Pick<AlertRepo, 'transitions'>;
}

const QUERY = [
  { name: 'month', required: true, description: 'the month, like 2026-11', example: '2026-11' },
  { name: 'objective', description: 'an objective id: the report of it and everything below it; omitted: the whole organisation' },
];

/** The monthly report (viewers may read it, like the history it is made of): as JSON for the print page, and as a PDF made here. */
export function reportRoutes(deps: ReportRouteDeps) {
  const reportDeps: ReportDeps = {
    model: deps.model,
    series: (kpi, range) => querySeries(deps.clickhouse, kpi, range),
    repo: deps.repo,
    alertRepo: deps.alertRepo,
  };
  const build = async (c: Context) => {
    const objective = c.req.query('objective');
    return buildMonthlyReport(reportDeps, { month: c.req.query('month') ?? '', ...(objective ? { objective } : {}) });
  };
  const failed = (c: Context, err: unknown) => {
    if (!(err instanceof ReportError)) throw err;
    return err.status === 404
      ? jsonError(c, 404, 'not_found', err.message)
      : badQuery(c, [{ field: err.field, message: err.message.replace(/^\w+: /, '') }]);
  };
  return new Hono()
    .get(
      '/api/v1/reports/monthly',
      doc({
        tag: 'reports',
        summary:
          'The monthly report: the tree, every KPI at the month’s end against its period target, its trend, annotations, alerts and check-ins',
        query: QUERY,
        responses: { 200: 'MonthlyReport', 400: 'Invalid query; details name each bad parameter', 404: 'No such objective' },
      }),
      input<{ query: { month: string; objective?: string } }>(),
      async (c) => {
        try {
          return c.json(await build(c));
        } catch (err) {
          return failed(c, err);
        }
      },
    )
    .get(
      '/api/v1/reports/monthly/pdf',
      doc({
        tag: 'reports',
        summary: 'The monthly report as a PDF (made on the server)',
        query: QUERY,
        responses: { 200: 'application/pdf', 400: 'Invalid query; details name each bad parameter', 404: 'No such objective' },
      }),
      input<{ query: { month: string; objective?: string } }>(),
      async (c) => {
        try {
          const report = await build(c);
          const pdf = await reportPdf(report);
          const name = `northstar-report-${report.month}${report.scope ? `-${report.scope.objective}` : ''}.pdf`;
          return c.body(new Uint8Array(pdf), 200, {
            'content-type': 'application/pdf',
            'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
          });
        } catch (err) {
          return failed(c, err);
        }
      },
    );
}
