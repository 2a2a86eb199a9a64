// Small helpers: time as mm:ss.fff, bisection on sorted arrays, DOM building without innerHTML.

export function formatTime(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const ms = Math.round(seconds * 1000);
  const minutes = Math.floor(ms / 60000);
  const rest = (ms % 60000) / 1000;
  return `${String(minutes).padStart(2, "0")}:${rest.toFixed(3).padStart(6, "0")}`;
}

// What the coder typed to go to: "mm:ss.fff", "ss.s" (seconds) -> {seconds}; "f120", "#120" or
// "frame 120" -> {frame}; anything else -> null.
export function parseTarget(text) {
  const t = text.trim().toLowerCase();
  const frame = t.match(/^(?:f|#|frame)\s*(\d+)$/);
  if (frame) return { frame: Number(frame[1]) };
  const clock = t.match(/^(?:(\d+):)?(\d+(?:\.\d*)?)$/);
  if (!clock) return null;
  return { seconds: Number(clock[1] || 0) * 60 + Number(clock[2]) };
}

// Index of the last element <= x (-1 when x is before the first).
export function bisectRight(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export const clamp = (x, lo, hi) => Math.min(Math.max(x, lo), hi);

// el("div", {class: "x", onclick: f}, child, "text") -> element
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "style")
      node.style.cssText = value; // CSSOM: allowed by the page's CSP
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function isTyping(target) {
  if (!target || !target.tagName) return false;
  const tag = target.tagName.toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
}
