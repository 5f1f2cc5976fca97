// A small SVG line chart, drawn here rather than by a library: the explorer loads nothing from outside.
const SvgNs = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const node = document.createElementNS(SvgNs, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * points: [{ t: ms, v: number }] in time order. Draws v over the last windowMs ending now, with the latest value and
 * the maximum as text, and a summary for screen readers in the title.
 */
export function lineChart(title, unit, points, windowMs, now) {
  const width = 600;
  const height = 160;
  const pad = { left: 48, right: 8, top: 12, bottom: 24 };
  const from = now - windowMs;
  const shown = points.filter((p) => p.t >= from);
  const max = Math.max(1e-9, ...shown.map((p) => p.v));
  const top = niceCeiling(max);
  const x = (t) => pad.left + ((t - from) / windowMs) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  const latest = shown.length ? shown[shown.length - 1].v : null;
  const summary = shown.length
    ? `${title}: latest ${format(latest)} ${unit}, highest ${format(max)} ${unit} over the last ${Math.round(windowMs / 60000)} minutes`
    : `${title}: no data yet`;

  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart", "aria-label": summary });
  const label = svg("title", {});
  label.textContent = summary;
  root.append(label);
  for (const fraction of [0, 0.5, 1]) {
    const v = top * fraction;
    root.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: "grid" }));
    const text = svg("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" });
    text.textContent = format(v);
    root.append(text);
  }
  const minutes = Math.round(windowMs / 60000);
  for (const [t, text] of [[from, `−${minutes} min`], [now, "now"]]) {
    const node = svg("text", { x: x(t), y: height - 6, "text-anchor": t === now ? "end" : "start", class: "axis" });
    node.textContent = text;
    root.append(node);
  }
  for (const p of shown.slice(-60)) root.append(svg("circle", { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5, class: "dot" }));
  if (shown.length > 1) {
    root.append(svg("polyline", { points: shown.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" "), class: "line" }));
  }
  return root;
}

function niceCeiling(v) {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (v <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

export function format(v) {
  if (v === null || v === undefined) return "—";
  if (v >= 100) return Math.round(v).toString();
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
