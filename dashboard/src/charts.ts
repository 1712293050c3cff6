import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { ChartConfiguration, ChartType, Plugin } from 'chart.js';
import type { RubricChange } from '../../shared/api/contract.js';
import { day } from './format.js';

// Only what the views draw is registered, so the bundle carries no unused chart types.
Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip, Filler);

// Tests and curious users read datasets through Chart.getChart(canvas); expose the class the page bundled.
declare global {
  interface Window {
    Chart: typeof Chart;
  }
}
window.Chart = Chart;

Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";
Chart.defaults.color = '#4a5568';
Chart.defaults.borderColor = '#e3e8f0';
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.animation = false;
// Weekly as-of labels: horizontal and thinned out read better than 26 rotated dates.
Chart.defaults.scales.category.ticks.maxRotation = 0;
Chart.defaults.scales.category.ticks.autoSkipPadding = 16;
// The labels are dates of one length: measuring a sample of them decides how many fit as well as measuring all
// (the executive view's charts carry up to 120 points each), for a fraction of the text measuring.
Chart.defaults.scales.category.ticks.sampleSize = 12;
// Every series is indexed by the shared labels, in order: Chart.js may skip its own sorting and uniqueness checks.
Chart.defaults.normalized = true;

/** Colour-blind-safe series colours (Okabe–Ito, darkened for contrast on white). */
export const SERIES = ['#0b6e99', '#c55a11', '#1b7a4b', '#8e3b8f', '#b3261e', '#8a6d00', '#1d3a6e', '#5b6b7f'];
export const LEVEL_COLOURS: Record<'1' | '2' | '3' | '4' | '5' | 'none', string> = {
  '1': '#b3261e',
  '2': '#e07b39',
  '3': '#d4a72c',
  '4': '#2f8fbf',
  '5': '#1b7a4b',
  none: '#a0a8b5',
};

export function seriesColour(i: number): string {
  return SERIES[i % SERIES.length] as string;
}

/** Draws a dashed vertical line, labelled with the new version, where the rubric changed. */
export function rubricMarkers(changes: readonly RubricChange[]): Plugin {
  return {
    id: 'rubricMarkers',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      if (!x) return;
      const { ctx, chartArea } = chart;
      const labels = (chart.data.labels ?? []) as string[];
      for (const change of changes) {
        const index = labels.indexOf(day(change.asOf));
        if (index < 0) continue;
        const px = x.getPixelForValue(index);
        ctx.save();
        ctx.strokeStyle = '#6b4a00';
        ctx.setLineDash([5, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = '600 11px system-ui, sans-serif';
        const label = `rubric ${change.to}`;
        const w = ctx.measureText(label).width;
        const left = px > chartArea.right - w - 12 ? px - w - 8 : px + 4;
        // A backing box keeps the label readable over bars and lines.
        ctx.fillStyle = 'rgba(255,255,255,0.9)';
        ctx.fillRect(left - 2, chartArea.top + 2, w + 4, 14);
        ctx.fillStyle = '#6b4a00';
        ctx.textAlign = 'left';
        ctx.fillText(label, left, chartArea.top + 13);
        ctx.restore();
      }
    },
  };
}

const live: Chart[] = [];

/** Creates a chart and remembers it so the next route can destroy it (canvases are replaced on navigation). */
export function makeChart<T extends ChartType>(canvas: HTMLCanvasElement, config: ChartConfiguration<T>): Chart<T> {
  const chart = new Chart(canvas, config);
  live.push(chart as unknown as Chart);
  return chart;
}

export function destroyCharts(): void {
  for (const c of live.splice(0)) c.destroy();
}

export const scoreAxis = { min: 0, max: 100, ticks: { stepSize: 20 }, title: { display: true, text: 'score (0–100)' } };
export const levelAxis = {
  min: 1,
  max: 5,
  ticks: { stepSize: 1, callback: (v: string | number) => `L${v}` },
  title: { display: true, text: 'level' },
};

/**
 * A score axis fitted to the data (padded, on 5-point steps, inside 0–100), so series that sit in 60–95 do not
 * overlap in a thin band of a 0–100 axis. Level bands (drawn by `levelBands`) keep the absolute scale readable.
 */
export function fittedScoreAxis(values: readonly (number | null | undefined)[], title = 'score'): Record<string, unknown> {
  const present = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (present.length === 0) return scoreAxis;
  const lo = Math.max(0, Math.floor((Math.min(...present) - 3) / 5) * 5);
  const hi = Math.min(100, Math.ceil((Math.max(...present) + 3) / 5) * 5);
  const span = Math.max(hi - lo, 10);
  return { min: lo, max: Math.min(100, lo + span), ticks: { stepSize: span > 40 ? 10 : 5 }, title: { display: true, text: `${title} (axis fitted to the data)` } };
}

// Scores map to levels in 25-point bands (levelFromScore); faint tints of the level colours, behind the data.
const BAND_TINTS = ['rgba(179,38,30,0.07)', 'rgba(224,123,57,0.08)', 'rgba(212,167,44,0.10)', 'rgba(47,143,191,0.09)', 'rgba(27,122,75,0.09)'];

/** Draws the level bands (L1 0–25 … L5 100) behind the datasets on the given score axis, labelled at the right. */
export function levelBands(axisId = 'y'): Plugin {
  return {
    id: 'levelBands',
    beforeDatasetsDraw(chart) {
      const scale = chart.scales[axisId];
      if (!scale) return;
      const { ctx, chartArea } = chart;
      const vertical = scale.isHorizontal() === false;
      ctx.save();
      for (let l = 0; l < 5; l++) {
        const from = Math.max(l * 25, scale.min);
        const to = Math.min(l === 4 ? 100 : (l + 1) * 25, scale.max);
        if (to <= from) continue;
        const a = scale.getPixelForValue(from);
        const b = scale.getPixelForValue(to);
        ctx.fillStyle = BAND_TINTS[l] as string;
        if (vertical) ctx.fillRect(chartArea.left, Math.min(a, b), chartArea.right - chartArea.left, Math.abs(b - a));
        else ctx.fillRect(Math.min(a, b), chartArea.top, Math.abs(b - a), chartArea.bottom - chartArea.top);
        if (vertical && Math.abs(b - a) > 12) {
          ctx.fillStyle = 'rgba(74,85,104,0.75)';
          ctx.font = '600 10px system-ui, sans-serif';
          ctx.textAlign = 'right';
          ctx.fillText(`L${l + 1}`, chartArea.right - 4, Math.min(a, b) + 11);
        }
      }
      ctx.restore();
    },
  };
}
