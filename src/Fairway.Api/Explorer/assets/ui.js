// DOM helpers. Everything is built with createElement and textContent, never innerHTML, so nothing a node returns is
// ever parsed as markup.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A hash shown in full for screen readers and copying, shortened on screen, with an Etherscan-style copy button. */
export function hashView(value, href) {
  const text = String(value);
  const label = href ? el("a", { href, class: "hash", title: text, text }) : el("code", { class: "hash", title: text, text });
  const button = el("button", { type: "button", class: "copy", "aria-label": `Copy ${text}`, title: "Copy" }, "Copy");
  button.addEventListener("click", () => copy(text, button));
  return el("span", { class: "hash-cell" }, label, button);
}

async function copy(text, button) {
  let done = false;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      done = true;
    } catch {
      done = false;
    }
  }
  if (!done) {
    // Plain http on another host is not a secure context: no Clipboard API there, so copy through a selection.
    const area = el("textarea", { class: "offscreen", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    done = document.execCommand("copy");
    area.remove();
  }
  button.textContent = done ? "Copied" : "Copy failed";
  setTimeout(() => {
    button.textContent = "Copy";
  }, 1500);
}

export function table(caption, headers, rows, empty = "nothing yet") {
  const body = el("tbody");
  for (const row of rows) body.append(el("tr", {}, row.map((cell) => el("td", {}, cell))));
  if (rows.length === 0) body.append(el("tr", {}, el("td", { colspan: headers.length, class: "muted", text: empty })));
  return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    el("table", {}, el("caption", { text: caption }), el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })))), body));
}

export function facts(pairs) {
  return el("dl", { class: "facts" }, pairs.flatMap(([term, value, id]) => [el("dt", { text: term }), el("dd", { id }, value)]));
}

export function time(ms) {
  if (ms === null || ms === undefined) return "—";
  const d = new Date(Number(ms));
  return el("time", { datetime: d.toISOString(), text: d.toISOString().replace("T", " ").replace("Z", " UTC") });
}

export function section(title, ...children) {
  const id = "h-" + title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return el("section", { "aria-labelledby": id }, el("h2", { id, text: title }), children);
}
