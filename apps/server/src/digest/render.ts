import { escapeSlack, type SlackBlock } from '../alerts/notifiers/slack.ts';
import { statusColour } from './charts.ts';
import type { Digest, DigestKpi } from './content.ts';
import { day, escapeHtml as e, figure, percent, signedPercent, statusWord, when } from './format.ts';

/**
 * A digest as words and markup for each channel: a subject, a plain-text part, HTML (email
 * and the in-app preview; charts by `imageSrc`: a cid: in mail, a data: URL in the preview)
 * and Slack blocks. Everything user-written is escaped for the channel it goes to.
 */

export interface RenderOptions {
  timezone: string;
  /** The one-click unsubscribe link for this reader; none in a preview for someone without one. */
  unsubscribeUrl?: string;
}

export function digestSubject(d: Digest): string {
  const name = d.objective.name.replace(/[\r\n\t]+/g, ' ').trim();
  return `${name}: ${statusWord(d.objective.status).toLowerCase()}, ${percent(d.objective.attainment)} (${d.period.key} review digest)`;
}

function why(d: Digest): string {
  if (d.objective.reason) return d.objective.reason;
  if (d.objective.troubled.length > 0) return `Needs attention: ${d.objective.troubled.join(', ')}`;
  return d.objective.status === 'no_data' ? 'No KPI below it has data yet.' : 'Every KPI below it is on track.';
}

function trendText(k: DigestKpi): string {
  if (k.trendPercent === null) return 'no trend';
  const judged = k.trendGood === null ? '' : k.trendGood ? ' (good)' : ' (bad)';
  return `${signedPercent(k.trendPercent)} over the period${judged}`;
}

/** "12 orders of 30 orders target" for a goal to reach, "296 ms, target 300 ms" for a target to stay under. */
function againstTarget(k: DigestKpi): string {
  if (k.direction === 'lower_is_better') return `${figure(k.value, k.unit)}, target ${figure(k.target, k.unit)}`;
  return `${figure(k.value, k.unit)} of ${figure(k.target, k.unit)} target`;
}

function kpiLine(k: DigestKpi): string {
  return `${againstTarget(k)}, ${percent(k.attainment)} attainment`;
}

export function digestText(d: Digest, o: RenderOptions): string {
  const lines = [
    digestSubject(d),
    `Period ${day(d.span.fromMs, o.timezone)} – ${day(d.span.toMs, o.timezone)}`,
    '',
    `Health: ${statusWord(d.objective.status)}, ${percent(d.objective.attainment)}. ${why(d)}`,
    '',
    'KPIs',
    ...d.kpis.map((k) => `- ${k.name}: ${statusWord(k.status)}, ${kpiLine(k)}, ${trendText(k)}`),
    '',
    `Alerts fired (${d.alerts.length})`,
    ...d.alerts.map(
      (a) =>
        `- ${when(a.at, o.timezone)} ${a.kpiName} (${a.rule}): ${a.reason}${a.acknowledged ? ` — acknowledged by ${a.acknowledged.by}` : ' — not acknowledged'}`,
    ),
    '',
    `Check-ins due (${d.checkinsDue.length})`,
    ...d.checkinsDue.map((c) => `- ${c.name}: ${c.overdue ? 'overdue since' : 'due'} ${day(c.dueAt, o.timezone)} — ${c.url}`),
    '',
    `Milestones reached (${d.milestones.length})`,
    ...d.milestones.map((m) => `- ${m.name} reached its ${m.period} target on ${day(m.reachedAt, o.timezone)}`),
    '',
    `Open in Northstar: ${d.url}`,
    ...(o.unsubscribeUrl ? [`Unsubscribe from this objective's digest: ${o.unsubscribeUrl}`] : []),
  ];
  return lines.join('\n');
}

const badge = (status: string) =>
  `<span style="display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;background:${statusColour(status)};font-size:12px;font-weight:600">${e(statusWord(status))}</span>`;

export function digestHtml(d: Digest, o: RenderOptions, imageSrc: (kpiId: string) => string | null): string {
  const kpiRows = d.kpis.map((k) => {
    const src = imageSrc(k.id);
    const trendColour = k.trendGood === null ? '#4b5563' : k.trendGood ? statusColour('on_track') : statusColour('off_track');
    return [
      `<tr data-kpi="${e(k.id)}"><td style="padding:8px 8px 8px 0;vertical-align:top;border-top:1px solid #e5e7eb">`,
      `<div style="font-weight:600">${e(k.name)}</div>`,
      `<div style="margin:2px 0">${badge(k.status)} <span data-attainment="${k.attainment ?? ''}">${e(percent(k.attainment))}</span> · ${e(againstTarget(k))}</div>`,
      `<div style="color:${trendColour};font-size:13px">${e(trendText(k))}</div>`,
      ...(k.owner ? [`<div style="color:#6b7280;font-size:12px">Owner: ${e(k.owner)}</div>`] : []),
      `</td><td style="padding:8px 0;vertical-align:top;border-top:1px solid #e5e7eb;text-align:right">`,
      src ? `<img src="${e(src)}" width="280" height="72" alt="${e(`${k.name} over the period`)}" style="display:block">` : '',
      '</td></tr>',
    ].join('');
  });
  const list = (items: string[], empty: string) =>
    items.length > 0
      ? `<ul style="margin:4px 0 12px;padding-left:20px">${items.join('')}</ul>`
      : `<p style="margin:4px 0 12px;color:#6b7280">${e(empty)}</p>`;
  const h2 = (text: string) => `<h2 style="font-size:15px;margin:16px 0 4px">${e(text)}</h2>`;
  return [
    '<div class="northstar-digest" style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#111827;max-width:640px;background:#fff;padding:16px">',
    `<p style="margin:0;color:#6b7280;font-size:12px">Review digest · ${e(d.period.key)} · ${e(day(d.span.fromMs, o.timezone))} – ${e(day(d.span.toMs, o.timezone))}</p>`,
    `<h1 style="font-size:20px;margin:4px 0">${e(d.objective.name)}</h1>`,
    `<p style="margin:0 0 4px">${badge(d.objective.status)} <strong data-objective-attainment="${d.objective.attainment ?? ''}">${e(percent(d.objective.attainment))}</strong>${d.objective.owner ? ` · owner ${e(d.objective.owner)}` : ''}</p>`,
    `<p style="margin:0 0 8px">${e(why(d))}</p>`,
    h2('KPIs'),
    d.kpis.length > 0
      ? `<table style="width:100%;border-collapse:collapse">${kpiRows.join('')}</table>`
      : list([], 'No KPI is linked to this objective.'),
    h2(`Alerts fired (${d.alerts.length})`),
    list(
      d.alerts.map(
        (a) =>
          `<li>${e(when(a.at, o.timezone))} <strong>${e(a.kpiName)}</strong> (${e(a.rule)}): ${e(a.reason)}${a.acknowledged ? ` — acknowledged by ${e(a.acknowledged.by)}${a.acknowledged.comment ? `: “${e(a.acknowledged.comment)}”` : ''}` : ' — <em>not acknowledged</em>'}</li>`,
      ),
      'No alert fired in this period.',
    ),
    h2(`Check-ins due (${d.checkinsDue.length})`),
    list(
      d.checkinsDue.map(
        (c) =>
          `<li><a href="${e(c.url)}">Check in on ${e(c.name)}</a> — ${c.overdue ? 'overdue since' : 'due'} ${e(day(c.dueAt, o.timezone))}</li>`,
      ),
      'No check-in is due.',
    ),
    h2(`Milestones reached (${d.milestones.length})`),
    list(
      d.milestones.map((m) => `<li>🎉 ${e(m.name)} reached its ${e(m.period)} target on ${e(day(m.reachedAt, o.timezone))}</li>`),
      'No milestone in this period.',
    ),
    `<p style="margin:16px 0 0;font-size:13px"><a href="${e(d.url)}">Open in Northstar</a></p>`,
    o.unsubscribeUrl
      ? `<p style="margin:8px 0 0;font-size:12px;color:#6b7280">You get this as an owner or subscriber of ${e(d.objective.name)}. <a href="${e(o.unsubscribeUrl)}">Unsubscribe from this digest</a>.</p>`
      : '',
    '</div>',
  ].join('\n');
}

/** A text sparkline for Slack, where an image would need a public address. */
export function sparkText(k: DigestKpi): string {
  const values = k.series.flatMap((p) => (p[1] === null ? [] : [p[1]]));
  if (values.length < 2) return '';
  const bars = '▁▂▃▄▅▆▇█';
  const min = Math.min(...values);
  const span = Math.max(...values) - min || 1;
  const step = Math.max(1, Math.ceil(values.length / 24));
  return values
    .filter((_, i) => i % step === 0)
    .map((v) => bars[Math.min(7, Math.floor(((v - min) / span) * 8))])
    .join('');
}

/** Slack's blocks, with the image block a chart needs (its URL must be reachable from Slack). */
export type DigestSlackBlock = SlackBlock | { type: 'image'; image_url: string; alt_text: string };

export function digestSlack(
  d: Digest,
  o: RenderOptions,
  imageUrl?: (kpiId: string) => string | null,
): { text: string; blocks: DigestSlackBlock[] } {
  const s = escapeSlack;
  const blocks: DigestSlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${s(digestSubject(d))}*\n${s(why(d))}` } }];
  for (const k of d.kpis.slice(0, 20)) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${s(k.name)}*: ${statusWord(k.status)}, ${s(kpiLine(k))}\n${s(trendText(k))} ${sparkText(k)}` },
    });
    const url = imageUrl?.(k.id);
    if (url) blocks.push({ type: 'image', image_url: url, alt_text: `${k.name} over the period` });
  }
  const lines = (title: string, items: string[]) => `*${title}*\n${items.length > 0 ? items.join('\n') : '_none_'}`;
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: lines(
        `Alerts fired (${d.alerts.length})`,
        d.alerts
          .slice(0, 10)
          .map(
            (a) =>
              `• ${s(a.kpiName)} (${s(a.rule)}) ${when(a.at, o.timezone)}${a.acknowledged ? `, acknowledged by ${s(a.acknowledged.by)}` : ', not acknowledged'}`,
          ),
      ),
    },
  });
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: lines(
        `Check-ins due (${d.checkinsDue.length})`,
        d.checkinsDue.map((c) => `• <${c.url}|Check in on ${s(c.name)}> (${c.overdue ? 'overdue' : 'due'} ${day(c.dueAt, o.timezone)})`),
      ),
    },
  });
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: lines(
        `Milestones reached (${d.milestones.length})`,
        d.milestones.map((m) => `• ${s(m.name)} (${s(m.period)})`),
      ),
    },
  });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `<${d.url}|Open in Northstar>${o.unsubscribeUrl ? ` · <${o.unsubscribeUrl}|Unsubscribe>` : ''}` }],
  });
  return { text: s(digestSubject(d)), blocks };
}
