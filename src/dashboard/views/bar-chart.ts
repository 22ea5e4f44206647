import { html } from 'hono/html'
import type { Html } from './layout.ts'

export interface Bar {
  label: string
  value: number
}

export interface BarChartOptions {
  title: string
  bars: Bar[]
  /** How values appear in tooltips and the axis label. */
  format: (value: number) => string
}

const width = 640
const height = 220
const padding = { top: 16, right: 8, bottom: 36, left: 8 }

/**
 * A bar chart as inline SVG: no chart library, no CDN, no inline styles (colours come from the
 * stylesheet's classes, so the CSP needs no `unsafe-inline`). Each bar has a `<title>` tooltip.
 */
export function barChart(options: BarChartOptions): Html {
  const { bars } = options
  if (bars.length === 0)
    return html`<figure class="chart"><figcaption>${options.title}</figcaption><p class="muted">No data yet.</p></figure>`
  const max = Math.max(...bars.map((bar) => bar.value), 0)
  const plotWidth = width - padding.left - padding.right
  const plotHeight = height - padding.top - padding.bottom
  const slot = plotWidth / bars.length
  const barWidth = Math.max(2, Math.min(48, slot * 0.7))
  const labelEvery = Math.ceil(bars.length / 12)
  const shapes = bars.map((bar, index) => {
    const barHeight = max > 0 ? (bar.value / max) * plotHeight : 0
    const x = padding.left + index * slot + (slot - barWidth) / 2
    const y = padding.top + plotHeight - barHeight
    return html`<g>
      <rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(barHeight, 0.5).toFixed(1)}" rx="3">
        <title>${bar.label}: ${options.format(bar.value)}</title>
      </rect>
      ${
        index % labelEvery === 0
          ? html`<text class="axis-label" x="${(x + barWidth / 2).toFixed(1)}" y="${height - 14}" text-anchor="middle">${bar.label.length > 14 ? `${bar.label.slice(0, 13)}…` : bar.label}</text>`
          : ''
      }
    </g>`
  })
  return html`<figure class="chart">
    <figcaption>${options.title} <span class="muted">(max ${options.format(max)})</span></figcaption>
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${options.title}" data-testid="chart">
      <line class="axis" x1="${padding.left}" y1="${padding.top + plotHeight}" x2="${width - padding.right}" y2="${padding.top + plotHeight}" />
      ${shapes}
    </svg>
  </figure>`
}
