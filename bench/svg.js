// bench/results.svg: one bar chart per case. Bars show speed relative to the
// plain-JS loop (log scale, bars grow up from the 1x line when faster, down
// when slower), grouped by size, one bar per implementation. Hovering a bar
// shows its numbers (an SVG <title>). No dependencies.

const PANEL_W = 380;
const PANEL_H = 210;
const COLS = 4;
const PAD = { top: 26, right: 10, bottom: 34, left: 40 };
const LOG_MIN = -5; // 1/32x
const LOG_MAX = 5; // 32x

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (x) => (Math.round(x * 10) / 10).toString();

/**
 * @param {{ title: string, subtitle?: string,
 *   impls: Array<{ id: string, label: string, color: string }>,
 *   cases: Array<{ name: string, sizes: string[] }>,
 *   results: Array<{ case: string, impl: string, size: string, medianMs: number, ratioVsJs: number | null }> }} data
 * @returns {string}
 */
export function renderSvg({ title, subtitle = "", impls, cases, results }) {
  const rows = Math.ceil(cases.length / COLS);
  const legendH = 56;
  const width = COLS * PANEL_W;
  const height = legendH + rows * PANEL_H + 10;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="12" y="20" font-size="15" font-weight="600">${esc(title)}</text>`);
  out.push(`<text x="12" y="36" fill="#555">${esc(subtitle)}</text>`);
  let lx = 12;
  for (const im of impls) {
    out.push(`<rect x="${lx}" y="44" width="10" height="10" fill="${im.color}"/><text x="${lx + 14}" y="53">${esc(im.label)}</text>`);
    lx += 22 + im.label.length * 6.2;
  }
  const byKey = new Map(results.map((r) => [`${r.case}\u0000${r.impl}\u0000${r.size}`, r]));
  cases.forEach((c, ci) => {
    const ox = (ci % COLS) * PANEL_W;
    const oy = legendH + Math.floor(ci / COLS) * PANEL_H;
    const pw = PANEL_W - PAD.left - PAD.right;
    const ph = PANEL_H - PAD.top - PAD.bottom;
    const y = (ratio) => {
      const l = Math.max(LOG_MIN, Math.min(LOG_MAX, Math.log2(ratio)));
      return oy + PAD.top + ((LOG_MAX - l) / (LOG_MAX - LOG_MIN)) * ph;
    };
    out.push(`<g>`);
    out.push(`<text x="${ox + PAD.left}" y="${oy + 16}" font-size="12" font-weight="600">${esc(c.name)}</text>`);
    for (let l = LOG_MIN; l <= LOG_MAX; l++) {
      const yy = y(2 ** l);
      const label = l >= 0 ? `${2 ** l}x` : `1/${2 ** -l}`;
      out.push(`<line x1="${ox + PAD.left}" x2="${ox + PAD.left + pw}" y1="${yy}" y2="${yy}" stroke="${l === 0 ? "#333" : "#e5e5e5"}" stroke-width="${l === 0 ? 1.2 : 1}"/>`);
      if (l % 2 === 0 || l === 0) out.push(`<text x="${ox + PAD.left - 4}" y="${yy + 3.5}" text-anchor="end" fill="#666" font-size="9">${label}</text>`);
    }
    const groupW = pw / Math.max(1, c.sizes.length);
    const barW = Math.max(2, (groupW - 10) / impls.length);
    c.sizes.forEach((size, si) => {
      const gx = ox + PAD.left + si * groupW + 5;
      impls.forEach((im, ii) => {
        const r = byKey.get(`${c.name}\u0000${im.id}\u0000${size}`);
        if (!r || !(r.ratioVsJs > 0)) return;
        const y0 = y(1), y1 = y(r.ratioVsJs);
        const top = Math.min(y0, y1), h = Math.max(1, Math.abs(y1 - y0));
        const clipped = Math.log2(r.ratioVsJs) > LOG_MAX || Math.log2(r.ratioVsJs) < LOG_MIN;
        out.push(`<rect x="${(gx + ii * barW).toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${im.color}"${clipped ? ' fill-opacity="0.55"' : ""}><title>${esc(`${c.name} ${size} ${im.label}: ${r.medianMs.toPrecision(3)} ms, ${num(r.ratioVsJs)}x vs JS`)}</title></rect>`);
      });
      const words = size.split(", ");
      words.forEach((w, wi) => out.push(`<text x="${(gx + (groupW - 10) / 2).toFixed(1)}" y="${oy + PANEL_H - PAD.bottom + 13 + wi * 11}" text-anchor="middle" fill="#444" font-size="9.5">${esc(w)}</text>`));
    });
    out.push(`</g>`);
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
