/**
 * Server-rendered SVG bar charts of the progress figures: one horizontal bar per indicator, with
 * the plan's target drawn as a vertical line. No JavaScript and no CDN, so the page works on the
 * Department's locked-down machines and prints as it looks. Under 600 px wide the same figures are
 * shown as a table instead (a 760-unit-wide SVG shrinks its 12 px labels to 5 px on a phone); the
 * table is also the chart's text alternative for screen readers.
 */
import { html, type SafeHtml } from "../admin/layout.js";
import type { ProgressRow } from "./progress.js";

const ROW_H = 30;
const LABEL_W = 230;
const BAR_W = 360;
const RIGHT_W = 170;

/** Vietnamese number: 83,3 (never "83.3" beside "83,3"). */
export const viNumber = (n: number) => new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 1 }).format(n);

/**
 * @example progressChart(rows.filter((r) => r.unitKey === null && r.level === "commune"), (id) => labels[id])
 */
export function progressChart(
  rows: ProgressRow[],
  label: (indicator: string) => string,
  title: string,
): SafeHtml {
  const width = LABEL_W + BAR_W + RIGHT_W;
  const height = rows.length * ROW_H + 28;
  const x = (pct: number) => LABEL_W + (BAR_W * Math.max(0, Math.min(100, pct))) / 100;
  const bars = rows.map((r, i) => {
    const y = 8 + i * ROW_H;
    const share = r.share;
    const reached = share !== null && r.target !== null && share >= r.target;
    const value =
      share === null
        ? `chưa đủ 5 báo cáo (${viNumber(r.respondents)})`
        : `${viNumber(share)}% · ${viNumber(r.met)}/${viNumber(r.respondents)}`;
    return html`<g>
      <text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end" font-size="12">${label(r.indicator)}</text>
      <rect x="${LABEL_W}" y="${y + 4}" width="${BAR_W}" height="18" fill="#eef2f7"/>
      ${share !== null && html`<rect x="${LABEL_W}" y="${y + 4}" width="${(x(share) - LABEL_W).toFixed(1)}" height="18" fill="${reached ? "#1a7f37" : "#0b4f8a"}"><title>${value}</title></rect>`}
      ${r.target !== null && html`<line x1="${x(r.target).toFixed(1)}" x2="${x(r.target).toFixed(1)}" y1="${y}" y2="${y + 26}" stroke="#b42318" stroke-width="2" stroke-dasharray="4 2"><title>Chỉ tiêu ${viNumber(r.target)}%</title></line>`}
      <text x="${LABEL_W + BAR_W + 6}" y="${y + 17}" font-size="12">${value}${r.target !== null ? ` (chỉ tiêu ${viNumber(r.target)}%)` : ""}</text>
    </g>`;
  });
  const axis = [0, 50, 100].map(
    (p) =>
      html`<text x="${x(p)}" y="${height - 4}" font-size="10" text-anchor="middle" fill="#677489">${p}%</text>`,
  );
  const table = html`<table class="chart-table"><caption>${title}</caption><thead><tr><th>Chỉ số</th><th>Tỉ lệ đạt</th><th>Chỉ tiêu</th></tr></thead><tbody>${rows.map(
    (r) =>
      html`<tr><td>${label(r.indicator)}</td><td>${r.share === null ? `chưa đủ 5 báo cáo (${viNumber(r.respondents)})` : `${viNumber(r.share)}% (${viNumber(r.met)}/${viNumber(r.respondents)})`}${r.share !== null && r.target !== null && r.share >= r.target ? " ✓" : ""}</td><td>${r.target === null ? "—" : `${viNumber(r.target)}%`}</td></tr>`,
  )}</tbody></table>`;
  // The SVG is hidden from screen readers in favour of the table, which carries the same figures.
  return html`<div class="chart"><svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px" aria-label="${title}">
    <title>${title}</title>${bars}${axis}</svg>${table}</div>`;
}
