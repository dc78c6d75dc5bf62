// The dashboard's text summaries and chart data, from the core's measures.
// Every chart has a sentence saying the same thing, built here.
import type { ChartConfiguration } from 'chart.js';
import type { Dashboard, Ratio, YearMonth } from './api/bindings';
import { intlTag, t } from '../i18n/index.svelte';
import { formatMoney, formatMoneyCompact } from './money';

const INDIGO = '#2f4b7c';
const INDIGO_LIGHT = '#9fb3d9';
const VERMILION = '#c9553a';
const GREEN = '#4d7c4a';
const AMBER = '#c08a2e';
const GREY = '#b8bcc4';

export function percent(value: number): string {
  return new Intl.NumberFormat(intlTag(), { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

/** A ratio as a percentage, or "no data" when nothing was counted. */
export function ratioText(ratio: Ratio): string {
  return ratio.denominator === 0 ? t('dashboard.noData') : percent(ratio.numerator / ratio.denominator);
}

export function monthLabel(month: YearMonth): string {
  return new Intl.DateTimeFormat(intlTag(), { year: '2-digit', month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(month.year, month.month - 1, 1)),
  );
}

/** The month labels, the current (partial) one saying how far it runs. */
export function monthLabels(d: Dashboard): string[] {
  const last = d.months.length - 1;
  return d.months.map((m, i) =>
    i === last && d.partial_through_day !== null
      ? t('dashboard.partialLabel', { month: monthLabel(m), day: d.partial_through_day })
      : monthLabel(m),
  );
}

/** Whether the month at `index` is the current, unfinished one. */
export function isPartial(d: Dashboard, index: number): boolean {
  return d.partial_through_day !== null && index === d.months.length - 1;
}

/** A colour per month, the partial month's faded. */
function perMonth(d: Dashboard, colour: string): string[] {
  return d.months.map((_, i) => (isPartial(d, i) ? `${colour}66` : colour));
}

/** A line's last stretch, into the partial month, is dashed. */
function dashedIntoPartial(d: Dashboard) {
  return { borderDash: (ctx: { p1DataIndex: number }) => (isPartial(d, ctx.p1DataIndex) ? [5, 4] : undefined) };
}

/** The sentence that says the current month is still running. */
export function partialNote(d: Dashboard): string | null {
  const last = d.months[d.months.length - 1];
  if (d.partial_through_day === null || last === undefined) return null;
  return t('dashboard.partialNote', { month: monthLabel(last), day: d.partial_through_day });
}

export function revenueTotals(d: Dashboard): { existing: number; new: number; referral: number; total: number } {
  const existing = d.revenue.reduce((sum, m) => sum + m.existing_minor, 0);
  const fresh = d.revenue.reduce((sum, m) => sum + m.new_minor, 0);
  const referral = d.revenue.reduce((sum, m) => sum + m.referral_minor, 0);
  return { existing, new: fresh, referral, total: existing + fresh + referral };
}

export function revenueSummary(d: Dashboard): string {
  const totals = revenueTotals(d);
  return t('dashboard.revenueSummary', {
    total: formatMoney(totals.total, d.currency),
    existing: formatMoney(totals.existing, d.currency),
    share: totals.total > 0 ? percent(totals.existing / totals.total) : '—',
    new: formatMoney(totals.new, d.currency),
    referral: formatMoney(totals.referral, d.currency),
  });
}

export function activeSummary(d: Dashboard): string {
  // The trend is read from complete months only.
  const complete = d.partial_through_day === null ? d.active_existing : d.active_existing.slice(0, -1);
  const months = complete.length;
  const average = months === 0 ? 0 : complete.reduce((a, b) => a + b, 0) / months;
  return t('dashboard.activeSummary', {
    average: Math.round(average * 10) / 10,
    last: complete[months - 1] ?? 0,
  });
}

export function satisfactionAverage(d: Dashboard): { average: number | null; responses: number } {
  const total = d.satisfaction.reduce((sum, m) => sum + m.total, 0);
  const responses = d.satisfaction.reduce((sum, m) => sum + m.responses, 0);
  return { average: responses === 0 ? null : total / responses, responses };
}

export function satisfactionSummary(d: Dashboard): string {
  const { average, responses } = satisfactionAverage(d);
  return t('dashboard.satisfactionSummary', {
    average: average === null ? '—' : average.toFixed(2),
    responses,
  });
}

export function giveAskSummary(d: Dashboard): string {
  const give = d.touches.reduce((sum, m) => sum + m.give, 0);
  const ask = d.touches.reduce((sum, m) => sum + m.ask, 0);
  return t('dashboard.giveAskSummary', { give, ask, ratio: ask === 0 ? '—' : (give / ask).toFixed(2) });
}

export function funnelSummary(d: Dashboard): string {
  const parts = d.funnel.map((step) => `${t(`stage.${step.stage}`)} ${step.customers.toLocaleString(intlTag())}`);
  const promotions = d.funnel.reduce((sum, step) => sum + step.promotions, 0);
  return t('dashboard.funnelSummary', { summary: parts.join('・'), promotions });
}

export function scoreSummary(d: Dashboard): string {
  const s = d.referral_score;
  return t('dashboard.scoreSummary', {
    new: formatMoney(s.walk_in_new_minor, d.currency),
    weight: s.weight,
    referral: formatMoney(s.referral_minor, d.currency),
    score: formatMoney(s.score_minor, d.currency),
  });
}

const baseOptions = {
  responsive: true,
  maintainAspectRatio: false,
  animation: { duration: 250 },
  plugins: { legend: { position: 'bottom' as const, labels: { boxWidth: 12 } } },
};

export function revenueChart(d: Dashboard): ChartConfiguration {
  const labels = monthLabels(d);
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: t('series.existing'), data: d.revenue.map((m) => m.existing_minor), backgroundColor: perMonth(d, INDIGO), stack: 'r' },
        { label: t('series.new'), data: d.revenue.map((m) => m.new_minor), backgroundColor: perMonth(d, INDIGO_LIGHT), stack: 'r' },
        { label: t('series.referral'), data: d.revenue.map((m) => m.referral_minor), backgroundColor: perMonth(d, VERMILION), stack: 'r' },
      ],
    },
    options: {
      ...baseOptions,
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: { stacked: true, ticks: { callback: (value) => formatMoneyCompact(Number(value), d.currency) } },
      },
      plugins: {
        ...baseOptions.plugins,
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label ?? ''}: ${formatMoney(Number(item.raw), d.currency)}`,
          },
        },
      },
    },
  };
}

export function activeChart(d: Dashboard): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: monthLabels(d),
      datasets: [
        {
          label: t('dashboard.active'),
          data: d.active_existing,
          borderColor: INDIGO,
          backgroundColor: 'rgba(47, 75, 124, 0.12)',
          fill: true,
          tension: 0.3,
          pointRadius: 2,
          segment: dashedIntoPartial(d),
        },
      ],
    },
    options: { ...baseOptions, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  };
}

export function funnelChart(d: Dashboard): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: d.funnel.map((step) => t(`stage.${step.stage}`)),
      datasets: [
        { label: t('dashboard.customers'), data: d.funnel.map((s) => s.customers), backgroundColor: INDIGO },
        { label: t('dashboard.promotions'), data: d.funnel.map((s) => s.promotions), backgroundColor: AMBER },
      ],
    },
    options: { ...baseOptions, indexAxis: 'y', scales: { x: { beginAtZero: true } } },
  };
}

export function satisfactionChart(d: Dashboard): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: monthLabels(d),
      datasets: [
        {
          label: t('dashboard.satisfaction'),
          data: d.satisfaction.map((m) => (m.responses === 0 ? null : m.total / m.responses)),
          borderColor: GREEN,
          backgroundColor: GREEN,
          spanGaps: true,
          tension: 0.3,
          pointRadius: 3,
          segment: dashedIntoPartial(d),
        },
      ],
    },
    options: { ...baseOptions, plugins: { legend: { display: false } }, scales: { y: { min: 1, max: 5 } } },
  };
}

export function giveAskChart(d: Dashboard): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: monthLabels(d),
      datasets: [
        { label: t('direction.give'), data: d.touches.map((m) => m.give), backgroundColor: perMonth(d, GREEN), stack: 't' },
        { label: t('direction.ask'), data: d.touches.map((m) => m.ask), backgroundColor: perMonth(d, AMBER), stack: 't' },
        { label: t('direction.neutral'), data: d.touches.map((m) => m.neutral), backgroundColor: perMonth(d, GREY), stack: 't' },
      ],
    },
    options: { ...baseOptions, scales: { x: { stacked: true, grid: { display: false } }, y: { stacked: true } } },
  };
}
