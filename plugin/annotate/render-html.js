/**
 * The annotate report as one self-contained HTML page (no scripts, no
 * external resources): the kernel source, each line shaded by the number of
 * wasm instructions it compiled to, with markers for bounds checks, calls,
 * allocations and conversions; a line with code opens (a native
 * `<details>`) onto its wasm. Lint hints are listed at the top and shown
 * under their line.
 */
import { formatDiagnostic } from "../compiler/diagnostics.js";
import { LINT_RULES } from "./lint-rules.js";

/** Escapes text for HTML element content and attribute values. @param {unknown} s */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/** Escaped text with `code spans` as <code>. @param {string} s */
function prose(s) {
  return escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** Marker kinds, in display order: [field, label, tooltip]. */
const MARKERS = /** @type {const} */ ([
  ["checks", "check", "bounds checks (a compare and a cold call reporting the index)"],
  ["aborts", "abort", "calls to abort: assert, throw, or AssemblyScript's own checks"],
  ["allocs", "alloc", "calls that allocate memory"],
  ["runtimeCalls", "call rt", "calls into the standard library or the host"],
  ["calls", "call", "calls to other functions of this file (not inlined)"],
  ["intFloat", "int\u2194float", "conversions between integer and float"],
  ["floatMix", "f32\u2194f64", "conversions between f32 and f64"],
]);

const STYLE = `
:root { --fg: #1f2328; --muted: #656d76; --line: #d0d7de; --bg: #ffffff; --code-bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header, section, footer { padding: 12px 24px; }
header { border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0 0 4px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
h2 { font-size: 15px; margin: 0 0 8px; }
.summary { margin: 0; color: var(--muted); }
.legend { margin: 8px 0 0; color: var(--muted); font-size: 12px; }
table.kernels { border-collapse: collapse; font-size: 13px; }
table.kernels th, table.kernels td { text-align: right; padding: 2px 10px; border-bottom: 1px solid var(--line); }
table.kernels th:first-child, table.kernels td:first-child { text-align: left; }
ol.hints { margin: 0; padding-left: 20px; }
ol.hints li { margin-bottom: 4px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
.rule { font-family: ui-monospace, monospace; font-size: 12px; color: #8250df; }
pre.rewrite { background: #dafbe1; border: 1px solid #aceebb; padding: 6px 10px; margin: 4px 0 0; overflow-x: auto; font-size: 12.5px; }
.source { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; border-top: 1px solid var(--line); border-bottom: 1px solid var(--line); }
.row { display: grid; grid-template-columns: 4.5em 4em 2.2em 15em 1fr; align-items: start; min-height: 1.45em; }
details.line > summary { list-style: none; cursor: pointer; }
details.line > summary::-webkit-details-marker { display: none; }
details.line > summary:hover { outline: 1px solid #0969da; outline-offset: -1px; }
details.line[open] > summary { outline: 1px solid #0969da; outline-offset: -1px; }
.ln { color: var(--muted); text-align: right; padding-right: 10px; user-select: none; }
.ln a { color: inherit; text-decoration: none; }
.cost { text-align: right; padding-right: 8px; color: #6e5600; }
.loop { color: var(--muted); font-size: 11px; text-align: center; }
.marks { display: flex; flex-wrap: wrap; gap: 3px; padding: 1px 6px 1px 0; }
.m { font-size: 10.5px; line-height: 1.5; padding: 0 5px; border-radius: 8px; border: 1px solid; white-space: nowrap; font-family: system-ui, sans-serif; }
.m-checks { color: #a40e26; border-color: #ff818266; background: #ffebe9; }
.m-aborts { color: #a40e26; border-color: #ff818266; background: #fff; }
.m-allocs { color: #6639ba; border-color: #c297ff; background: #fbefff; }
.m-runtimeCalls, .m-calls { color: #953800; border-color: #ffb77c; background: #fff1e5; }
.m-intFloat { color: #0550ae; border-color: #80ccff; background: #ddf4ff; }
.m-floatMix { color: #116329; border-color: #6fdd8b; background: #dafbe1; }
.m-opt { color: #1a7f37; border-color: #4ac26b; background: #fff; }
.m-hint { color: #8250df; border-color: #c297ff; background: #fff; }
code.src { white-space: pre; tab-size: 4; overflow-wrap: normal; }
.panel { margin: 0 0 6px 4.5em; padding: 8px 12px; background: var(--code-bg); border: 1px solid var(--line); border-radius: 4px; font-size: 12.5px; }
.panel p { margin: 0 0 6px; font-family: system-ui, sans-serif; }
.panel pre { margin: 0; line-height: 1.35; max-height: 32em; overflow: auto; }
.fn { color: var(--muted); }
.off { color: #8c959f; }
.t-check { color: #a40e26; }
.t-abort { color: #a40e26; }
.t-alloc { color: #6639ba; font-weight: 600; }
.t-runtime, .t-call { color: #953800; font-weight: 600; }
.t-conv { color: #0550ae; font-weight: 600; }
.t-mix { color: #116329; font-weight: 600; }
.hint-row { margin: 2px 0 6px 25.7em; padding: 6px 10px; border-left: 3px solid #8250df; background: #fbefff55; font-family: system-ui, sans-serif; font-size: 13px; }
.hint-row pre.rewrite { font-size: 12.5px; }
footer { color: var(--muted); font-size: 12px; }
footer ul { margin: 4px 0; padding-left: 18px; }
.errors pre { background: #ffebe9; border: 1px solid #ff818266; padding: 8px 12px; overflow-x: auto; }
`;

/**
 * @param {import("./report.js").AnnotateReport} report
 * @returns {string}
 */
export function renderReportHtml(report) {
  const lines = report.text.split("\n").map((l) => l.replace(/\r$/, ""));
  const costs = report.costs;
  let max = 1;
  if (costs) for (const c of costs.lines.values()) max = Math.max(max, c.count);
  const hintsByLine = new Map();
  for (const h of report.hints) {
    if (!hintsByLine.has(h.line)) hintsByLine.set(h.line, []);
    hintsByLine.get(h.line).push(h);
  }
  const optByLine = new Map();
  for (const o of report.optimizations) {
    if (!optByLine.has(o.line)) optByLine.set(o.line, []);
    optByLine.get(o.line).push(o);
  }
  const sitesByLine = new Map();
  for (const s of report.checkSites) sitesByLine.set(s.line, [...(sitesByLine.get(s.line) ?? []), s.column]);

  const out = [];
  out.push("<!DOCTYPE html>");
  out.push('<html lang="en">');
  out.push("<head>");
  out.push('<meta charset="utf-8">');
  out.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>tskern annotate: ${escapeHtml(report.file)}</title>`);
  out.push(`<style>${STYLE}</style>`);
  out.push("</head>");
  out.push("<body>");

  // ---- header -------------------------------------------------------------
  const t = costs?.totals;
  const facts = [
    `${report.kernels.length} kernel${report.kernels.length === 1 ? "" : "s"}`,
    t ? `${t.count} wasm instructions` : "wasm not analysed",
    t ? `${t.checks} bounds check${t.checks === 1 ? "" : "s"}` : "",
    t && t.allocs ? `${t.allocs} allocation call${t.allocs === 1 ? "" : "s"}` : "",
    `${report.hints.length} hint${report.hints.length === 1 ? "" : "s"}`,
    `bounds checks ${report.boundsCheck ? "on (default)" : "off"}`,
  ].filter(Boolean);
  out.push("<header>");
  out.push(`<h1>${escapeHtml(report.file)}</h1>`);
  out.push(`<p class="summary">${facts.map(escapeHtml).join(" &middot; ")}</p>`);
  out.push('<p class="legend">Each line is shaded by the number of WebAssembly instructions it compiled to (darker: more). ' +
    "Click a line to see its wasm. &#8635;N: the line's code runs inside N loops. Markers: " +
    MARKERS.map(([k, label, tip]) => `<span class="m m-${k}" title="${escapeHtml(tip)}">${escapeHtml(label)}</span> ${escapeHtml(tip)}`).join("; ") +
    '; <span class="m m-opt">opt</span> a note from tskern\'s loop optimizer.</p>');
  out.push("</header>");

  // ---- kernels ------------------------------------------------------------------
  if (costs && report.kernels.length) {
    out.push('<section class="kernel-list">');
    out.push("<h2>Kernels</h2>");
    out.push('<table class="kernels"><thead><tr><th>kernel</th><th>line</th><th>instructions</th><th>bounds checks</th><th>allocations</th><th>calls</th><th>conversions</th></tr></thead><tbody>');
    for (const k of report.kernels) {
      const f = costs.functions.find((fn) => fn.kernel === k.name);
      out.push(`<tr><td><a href="#L${k.line}">${escapeHtml(k.name)}</a></td><td>${k.line}</td><td>${f ? f.count : "inlined"}</td>` +
        `<td>${f ? f.checks : ""}</td><td>${f ? f.allocs : ""}</td><td>${f ? f.runtimeCalls + f.calls : ""}</td><td>${f ? f.intFloat + f.floatMix : ""}</td></tr>`);
    }
    out.push("</tbody></table>");
    out.push("</section>");
  }

  // ---- hints ------------------------------------------------------------------------
  out.push('<section class="hint-list">');
  out.push(`<h2>Hints (${report.hints.length})</h2>`);
  if (report.hints.length) {
    out.push('<ol class="hints">');
    for (const h of report.hints) {
      out.push(`<li><a href="#L${h.line}">line ${h.line}</a> <span class="rule">${escapeHtml(h.rule)}</span> ${prose(h.message)}</li>`);
    }
    out.push("</ol>");
  } else {
    out.push(`<p>None of the known slow patterns (${Object.values(LINT_RULES).map(escapeHtml).join("; ")}) were found.</p>`);
  }
  out.push("</section>");

  // ---- source -------------------------------------------------------------------------
  out.push('<main class="source">');
  lines.forEach((text, i) => {
    const n = i + 1;
    const c = costs?.lines.get(n);
    const hints = hintsByLine.get(n) ?? [];
    const opts = optByLine.get(n) ?? [];
    const shade = c && c.count ? 0.07 + 0.55 * (Math.log1p(c.count) / Math.log1p(max)) : 0;
    const style = shade ? ` style="background: rgba(255, 191, 0, ${shade.toFixed(3)})"` : "";
    const marks = [];
    if (c) {
      for (const [k, label, tip] of MARKERS) {
        const v = c[k];
        if (v) marks.push(`<span class="m m-${k}" title="${v} ${escapeHtml(tip)}">${escapeHtml(label)}${v > 1 ? ` &times;${v}` : ""}</span>`);
      }
    }
    if (opts.length) {
      const kinds = [...new Set(opts.map((o) => o.kind))];
      marks.push(`<span class="m m-opt" title="${escapeHtml(opts.map((o) => `${o.kind}: ${o.message}`).join("\n"))}">opt: ${escapeHtml(kinds.length === 1 ? kinds[0] : `${kinds.length} notes`)}</span>`);
    }
    if (hints.length) marks.push(`<span class="m m-hint" title="${escapeHtml(hints.map((h) => h.rule).join(", "))}">hint</span>`);
    const loop = c && c.loopDepth ? `<span class="loop" title="runs inside ${c.loopDepth} loop${c.loopDepth === 1 ? "" : "s"}">&#8635;${c.loopDepth}</span>` : '<span class="loop"></span>';
    const cells = `<span class="ln"><a href="#L${n}">${n}</a></span><span class="cost">${c && c.count ? c.count : ""}</span>${loop}<span class="marks">${marks.join("")}</span><code class="src">${escapeHtml(text) || " "}</code>`;
    if (c && (c.wasm.length || opts.length)) {
      out.push(`<details class="line" id="L${n}"><summary class="row"${style}>${cells}</summary>`);
      out.push(`<div class="panel">${panel(c, opts, sitesByLine.get(n) ?? [])}</div>`);
      out.push("</details>");
    } else if (opts.length) {
      out.push(`<details class="line" id="L${n}"><summary class="row">${cells}</summary><div class="panel">${panel(null, opts, [])}</div></details>`);
    } else {
      out.push(`<div class="row" id="L${n}">${cells}</div>`);
    }
    for (const h of hints) {
      out.push(`<div class="hint-row"><span class="rule">${escapeHtml(h.rule)}</span> ${prose(h.message)} <strong>Fix:</strong> ${prose(h.fix)}` +
        (h.rewrite ? `<pre class="rewrite">${escapeHtml(h.rewrite)}</pre>` : "") + "</div>");
    }
  });
  out.push("</main>");

  // ---- footer ---------------------------------------------------------------------------
  out.push("<footer>");
  out.push("<p>How to read this: counts come from the optimized binary. Library code inlined into a kernel (typed-array loads, <code>length</code>, bounds checks) " +
    "is counted on the kernel line that uses it; code of a helper function inlined into its callers is counted on the helper's own lines; " +
    "the optimizer may move code between lines or duplicate a loop (a fast copy without checks and a checked fallback), and then both copies count.</p>");
  if (report.notes.length) out.push(`<ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>`);
  out.push(`<p>tskern ${escapeHtml(report.versions.tskern)}, AssemblyScript ${escapeHtml(report.versions.assemblyscript)}, Binaryen ${escapeHtml(report.versions.binaryen)}</p>`);
  out.push("</footer>");
  out.push("</body>");
  out.push("</html>");
  return `${out.join("\n")}\n`;
}

/**
 * The expanded view of a line: what the markers mean here, the optimizer's
 * notes and the wasm listing.
 * @param {import("./line-costs.js").LineCost | null} c
 * @param {Array<{ kind: string, message: string, column: number }>} opts
 * @param {number[]} siteColumns
 */
function panel(c, opts, siteColumns) {
  const parts = [];
  for (const o of opts) parts.push(`<p><span class="m m-opt">opt: ${escapeHtml(o.kind)}</span> column ${o.column}: ${prose(o.message)}</p>`);
  if (c) {
    const facts = [];
    if (c.checks) facts.push(`${c.checks} bounds check${c.checks === 1 ? "" : "s"}${siteColumns.length ? ` (accesses at column ${[...new Set(siteColumns)].join(", ")})` : ""}`);
    if (c.callees.length) facts.push(`calls ${c.callees.map((x) => `<code>${escapeHtml(x)}</code>`).join(", ")}`);
    if (c.intFloat) facts.push(`${c.intFloat} int/float conversion${c.intFloat === 1 ? "" : "s"}`);
    if (c.floatMix) facts.push(`${c.floatMix} f32/f64 conversion${c.floatMix === 1 ? "" : "s"}`);
    if (facts.length) parts.push(`<p>${facts.join("; ")}.</p>`);
    const listing = [];
    for (const block of c.wasm) {
      listing.push(`<span class="fn">;; in ${escapeHtml(block.fn)}</span>`);
      for (const e of block.code) {
        const body = `${"  ".repeat(e.depth)}${escapeHtml(e.text)}`;
        listing.push(`<span class="off">${e.offset.toString(16).padStart(6, "0")}</span>  ${e.tag ? `<span class="t-${e.tag}">${body}</span>` : body}`);
      }
    }
    if (listing.length) parts.push(`<pre>${listing.join("\n")}</pre>`);
  }
  return parts.join("");
}

/**
 * A page listing compile errors (what a dev server shows instead of a report).
 * @param {string} file
 * @param {import("../compiler/diagnostics.js").Diagnostic[]} diagnostics
 */
export function renderErrorHtml(file, diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === "error");
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>tskern annotate: ${escapeHtml(file)} does not compile</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>${escapeHtml(file)}</h1>`,
    `<p class="summary">${errors.length} error${errors.length === 1 ? "" : "s"}: no report until the kernel compiles.</p>`,
    "</header>",
    '<section class="errors">',
    ...diagnostics.map((d) => `<pre>${escapeHtml(formatDiagnostic(d))}</pre>`),
    "</section>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
