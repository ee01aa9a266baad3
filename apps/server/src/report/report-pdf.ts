import PDFDocument from 'pdfkit';
import type { MonthlyReport, ReportKpi } from './monthly-report.ts';
import { STATUS_WORDS, band, day, figure, monthName, percent } from './report-format.ts';

const MARGIN = 48;
const CHART = { width: 150, height: 34 };

/** The month's trend as a small line chart with the target dashed: drawn with pdfkit's own paths, no browser. */
function trendChart(doc: PDFKit.PDFDocument, kpi: ReportKpi, x: number, y: number): void {
  const values = kpi.trend.map(([, v]) => v).filter((v): v is number => v !== null);
  const all = kpi.target === null ? values : [...values, kpi.target];
  doc.save().lineWidth(0.5).strokeColor('#bbbbbb').rect(x, y, CHART.width, CHART.height).stroke().restore();
  if (values.length === 0) return;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const scaleY = (v: number) => y + CHART.height - 3 - ((v - lo) / (hi - lo || 1)) * (CHART.height - 6);
  const n = Math.max(1, kpi.trend.length - 1);
  if (kpi.target !== null) {
    doc.save().lineWidth(0.6).strokeColor('#666666').dash(2, { space: 2 });
    doc
      .moveTo(x, scaleY(kpi.target))
      .lineTo(x + CHART.width, scaleY(kpi.target))
      .stroke()
      .undash()
      .restore();
  }
  doc.save().lineWidth(1).strokeColor('#1f5fa8');
  let started = false;
  kpi.trend.forEach(([, v], i) => {
    if (v === null) {
      started = false;
      return;
    }
    const px = x + (i / n) * CHART.width;
    if (started) doc.lineTo(px, scaleY(v));
    else doc.moveTo(px, scaleY(v));
    started = true;
  });
  doc.stroke().restore();
}

function ensureRoom(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function kpiBlock(doc: PDFKit.PDFDocument, kpi: ReportKpi, indent: number): void {
  ensureRoom(doc, CHART.height + 40);
  const x = MARGIN + indent;
  const top = doc.y;
  doc.font('Helvetica-Bold').fontSize(10).text(kpi.name, x, top, { width: 200 });
  doc.font('Helvetica').fontSize(9);
  doc.text(
    `${figure(kpi.value, kpi.unit)} of ${kpi.direction === 'within_range' ? band(kpi.low, kpi.high, kpi.unit) : figure(kpi.target, kpi.unit)}`,
    x,
    doc.y,
    {
      width: 200,
    },
  );
  doc.text(`${percent(kpi.attainment)} · ${STATUS_WORDS[kpi.status]}`, x, doc.y, { width: 200 });
  trendChart(doc, kpi, doc.page.width - MARGIN - CHART.width, top);
  doc.y = Math.max(doc.y, top + CHART.height) + 4;
  for (const a of kpi.alerts) {
    ensureRoom(doc, 12);
    doc
      .fontSize(8)
      .fillColor('#a33b00')
      .text(`${day(a.at)} alert ${a.rule}: ${a.from} → ${a.to}${a.reason ? ` (${a.reason})` : ''}`, x + 8, doc.y);
  }
  for (const a of kpi.annotations) {
    ensureRoom(doc, 12);
    doc
      .fontSize(8)
      .fillColor('#333333')
      .text(`${day(a.ts)} ${a.kind}: ${a.text} — ${a.author}`, x + 8, doc.y);
  }
  doc.fillColor('black').moveDown(0.6);
}

/** The report as a PDF (A4), generated on the server: title, the tree with each KPI and its trend, then the month's check-ins. */
export function reportPdf(report: MonthlyReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: `Northstar monthly report ${report.month}`, Author: 'Northstar' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc
    .font('Helvetica-Bold')
    .fontSize(18)
    .text(`Monthly report — ${monthName(report.month)}`);
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor('#444444')
    .text(report.scope ? `Objective: ${report.scope.name} and below` : 'The whole organisation');
  doc.text(
    `Figures at the month's end (${day(report.to - 1)}), as the wall showed them; generated ${new Date(report.generatedAt).toISOString()}`,
  );
  doc.fillColor('black').moveDown();
  const byId = new Map(report.kpis.map((k) => [k.id, k]));
  for (const o of report.objectives) {
    ensureRoom(doc, 60);
    const indent = o.depth * 14;
    doc
      .font('Helvetica-Bold')
      .fontSize(12 - Math.min(o.depth, 2))
      .text(o.name, MARGIN + indent, doc.y);
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor('#555555')
      .text([o.owner, o.period].filter((s) => s !== '').join(' · '), MARGIN + indent, doc.y);
    doc.fillColor('black').moveDown(0.3);
    for (const id of o.kpis) {
      const kpi = byId.get(id);
      if (kpi) kpiBlock(doc, kpi, indent + 8);
    }
  }
  const unplaced = report.kpis.filter((k) => k.objective === null || !report.objectives.some((o) => o.id === k.objective));
  if (unplaced.length > 0) {
    doc.font('Helvetica-Bold').fontSize(12).text('Not linked to an objective', MARGIN, doc.y);
    for (const kpi of unplaced) kpiBlock(doc, kpi, 8);
  }
  ensureRoom(doc, 40);
  doc.font('Helvetica-Bold').fontSize(13).text('Check-ins', MARGIN, doc.y).moveDown(0.3);
  if (report.checkins.length === 0) doc.font('Helvetica').fontSize(9).text('No check-ins this month.');
  for (const c of report.checkins) {
    ensureRoom(doc, 24);
    doc
      .font('Helvetica-Bold')
      .fontSize(9)
      .text(`${day(c.at)} · ${c.subject.kind} ${c.subject.id} · confidence ${c.confidence} · ${c.author}`, MARGIN, doc.y);
    doc
      .font('Helvetica')
      .fontSize(9)
      .text(c.narrative || '(no narrative)', MARGIN + 8, doc.y)
      .moveDown(0.3);
  }
  doc.end();
  return done;
}
