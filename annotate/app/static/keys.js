// The keyboard: the scheme's code keys, and the tool's own keys for the video, the timeline,
// the overlays and the selected annotation. A scheme key wins over a tool key it collides with
// (the help says which tool keys are taken; their buttons still work). A coder's own keys
// (keymap.js) move codes and tool keys: the keymap routes each press before these tests.

import { el, isTyping } from "./format.js";

// [label, test(event), action name]; tests look at event.key and, for punctuation, event.code.
export const CONTROLS = [
  ["Space", (e) => e.key === " ", "play"],
  [
    "← / →",
    (e) => !e.shiftKey && !e.ctrlKey && (e.key === "ArrowLeft" || e.key === "ArrowRight"),
    "frame",
  ],
  ["Shift+← / →", (e) => e.shiftKey && (e.key === "ArrowLeft" || e.key === "ArrowRight"), "second"],
  [
    "Shift+PageUp / Shift+PageDown",
    (e) => e.shiftKey && (e.key === "PageUp" || e.key === "PageDown"),
    "tierJump",
  ],
  [
    "Ctrl+← / →, PageUp / PageDown",
    (e) =>
      (e.ctrlKey && (e.key === "ArrowLeft" || e.key === "ArrowRight")) ||
      e.key === "PageUp" ||
      e.key === "PageDown",
    "five",
  ],
  ["Home / End", (e) => e.key === "Home" || e.key === "End", "ends"],
  ["[ / ]", (e) => e.key === "[" || e.key === "]", "rate"],
  ["J", (e) => e.key === "j" && !e.ctrlKey && !e.metaKey && !e.altKey, "shuttleBack"],
  ["K", (e) => e.key === "k" && !e.ctrlKey && !e.metaKey && !e.altKey, "shuttlePause"],
  ["L", (e) => e.key === "l" && !e.ctrlKey && !e.metaKey && !e.altKey, "shuttleForward"],
  ["Shift+L", (e) => e.key === "L", "loop"],
  ["Shift+B", (e) => e.key === "B", "boxes"],
  ["Shift+H", (e) => e.key === "H", "head"],
  ["Shift+G", (e) => e.key === "G", "gaze"],
  ["Shift+M", (e) => e.key === "M", "mutual"],
  ["+ / -", (e) => e.key === "+" || e.key === "=" || e.key === "-", "zoom"],
  ["Shift+F", (e) => e.key === "F", "fit"],
  ["Shift+A", (e) => e.key === "A", "automatic"],
  ["Shift+R", (e) => e.key === "R", "roles"],
  ["Shift+T", (e) => e.key === "T", "goto"],
  ["Shift+P", (e) => e.key === "P", "autoPause"],
  ["Shift+V", (e) => e.key === "V", "mute"],
  ["Tab / Shift+Tab", (e) => e.key === "Tab", "select"],
  [", / .", (e) => !e.shiftKey && (e.code === "Comma" || e.code === "Period"), "nudgeStart"],
  ["< / >", (e) => e.shiftKey && (e.code === "Comma" || e.code === "Period"), "nudgeEnd"],
  ["Delete / Backspace", (e) => e.key === "Delete" || e.key === "Backspace", "delete"],
  ["Enter", (e) => e.key === "Enter", "editCode"],
  ["Ctrl+Z", (e) => (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z" && !e.shiftKey, "undo"],
  [
    "Ctrl+Shift+Z / Ctrl+Y",
    (e) =>
      (e.ctrlKey || e.metaKey) &&
      ((e.key.toLowerCase() === "z" && e.shiftKey) || e.key.toLowerCase() === "y"),
    "redo",
  ],
  ["Shift+E", (e) => e.key === "E" && !e.ctrlKey && !e.metaKey && !e.altKey, "table"],
  ["n", (e) => e.key === "n" && !e.ctrlKey && !e.metaKey && !e.altKey, "consensusNext"],
  ["Shift+N", (e) => e.key === "N" && !e.ctrlKey && !e.metaKey && !e.altKey, "consensusPrevious"],
  ["Escape", (e) => e.key === "Escape", "escape"],
  ["?", (e) => e.key === "?", "help"],
];

export const HELP = {
  play: "play / pause",
  frame: "one frame back / forward",
  second: "1 s back / forward",
  five: "5 s back / forward",
  tierJump: "previous / next annotation on the selected one's tier",
  ends: "start / end of the clip",
  rate: "slower / faster (0.25x-2x)",
  shuttleBack: "shuttle: play backward (again: 2x, 4x)",
  shuttlePause: "shuttle: stop; held, J / L step one frame",
  shuttleForward: "shuttle: play forward (again: 2x, 4x)",
  loop: "loop the last few seconds (again: stop)",
  boxes: "overlay: face boxes and roles",
  head: "overlay: head direction",
  gaze: "overlay: gaze",
  mutual: "overlay: mutual gaze",
  zoom: "timeline zoom in / out",
  fit: "timeline: whole clip",
  automatic: "timeline: fold / unfold the automatic lanes",
  roles: "swap mother and infant for this clip (again: back)",
  mute: "sound: mute / unmute",
  autoPause: "auto-pause on / off (play the chosen seconds, then pause)",
  goto: "go to a time (mm:ss.fff, seconds) or a frame (f120): type it, Enter",
  select: "select next / previous annotation",
  nudgeStart: "selected: start one frame earlier / later",
  nudgeEnd: "selected: end one frame earlier / later",
  delete: "selected: delete (Backspace asks first; Ctrl+Z brings it back)",
  editCode: "selected: change its code",
  undo: "undo",
  redo: "redo",
  table: "the annotation table (Table tab), keyboard in it",
  consensusNext: "consensus view: next disagreement",
  consensusPrevious: "consensus view: previous disagreement",
  escape: "deselect, close help",
  help: "this help",
};

export function codeKeys(scheme) {
  const keys = new Map();
  for (const tier of scheme.tiers) {
    for (const code of tier.codes) if (code.key) keys.set(code.key, { tier: tier.name, code });
  }
  return keys;
}

export class Keyboard {
  constructor(scheme, handlers, keymap = null) {
    this.keymap = keymap;
    this.codes = keymap ? keymap.codes : codeKeys(scheme);
    this.handlers = handlers;
    document.addEventListener("keydown", (event) => this.press(event));
  }

  press(event) {
    if (isTyping(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const routed = this.keymap ? this.keymap.route(event) : event;
    if (!routed) return; // the key's action was moved to another key
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
    if (!routed.moved && plain && event.key !== " " && this.codes.has(event.key)) {
      event.preventDefault();
      const { tier, code } = this.codes.get(event.key);
      this.handlers.code(tier, code);
      return;
    }
    const control = CONTROLS.find(([, test]) => test(routed));
    if (!control) return;
    event.preventDefault();
    this.handlers[control[2]]?.(routed);
  }

  // The scheme's codes always on screen: one group per tier, each code with its key and colour;
  // a click codes as its key does. An open state's code is marked (it is running).
  codeBar(onCode) {
    const groups = [];
    const byTier = new Map();
    for (const [key, { tier, code }] of this.codes.entries()) {
      if (!byTier.has(tier)) byTier.set(tier, []);
      byTier.get(tier).push([key, code]);
    }
    for (const [tier, codes] of byTier) {
      groups.push(
        el(
          "span",
          { class: "code-group" },
          el("span", { class: "code-tier" }, tier),
          codes.map(([key, code]) =>
            el(
              "button",
              {
                type: "button",
                class: "code-key",
                title: `${tier}: ${code.label} (${code.type}) — key ${key}`,
                dataset: { tier, code: code.name },
                onclick: (event) => {
                  event.currentTarget.blur();
                  onCode(tier, code);
                },
              },
              el("kbd", {}, key),
              el("span", { class: "swatch", style: `background:${code.colour || "#999"}` }),
              code.label,
            ),
          ),
        ),
      );
    }
    return groups;
  }

  help() {
    if (this.keymap) return this.keymap.help();
    const taken = (label) =>
      [...this.codes.keys()].filter((k) => label.split(/[ /,]+/).includes(k));
    const rows = CONTROLS.map(([label, , action]) => {
      const lost = taken(label);
      return el(
        "tr",
        {},
        el("td", { class: "key" }, label),
        el(
          "td",
          {},
          HELP[action],
          lost.length ? el("em", {}, ` (${lost.join(" ")} is a code key here)`) : "",
        ),
      );
    });
    const codeRows = [...this.codes.entries()].map(([key, { tier, code }]) =>
      el(
        "tr",
        {},
        el("td", { class: "key" }, key),
        el(
          "td",
          {},
          el("span", { class: "swatch", style: `background:${code.colour || "#999"}` }),
          `${tier}: ${code.label} (${code.type})`,
        ),
      ),
    );
    return el(
      "div",
      {},
      el("h3", {}, "Codes"),
      el("table", {}, codeRows),
      el("h3", {}, "Tool keys"),
      el("table", {}, rows),
    );
  }
}
