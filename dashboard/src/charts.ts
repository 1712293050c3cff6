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
