// The coder's own keys: any code or tool action moved to another key, saved on the server for
// this coder (GET/PUT/DELETE /api/keys), so the keys follow the coder to another browser.
//
// A key press is named by its chord ("k", "L" for Shift+L, "Shift+ArrowLeft", "Ctrl+z").
// route(event) turns the chord the coder pressed into what the tool's keys (keys.js) expect: the
// key a moved action had at first, or nothing where an action was moved away from this key.
// A code's key wins over a tool key (the scheme is what the coder codes with): a tool key that
// a code holds is marked "taken" here and in the help, and either can be moved in the dialog.
// Two things never share a key: a change to a key in use is refused, with what holds it.

import { get, request } from "./api.js";
import { el } from "./format.js";
import { CONTROLS, HELP } from "./keys.js";

// [id, action (keys.js), what it does, first chord, event fields the action reads]
export const BINDINGS = [
  ["play", "play", "play / pause", "Space"],
  ["frame-back", "frame", "one frame back", "ArrowLeft"],
  ["frame-forward", "frame", "one frame forward", "ArrowRight"],
  ["second-back", "second", "1 s back", "Shift+ArrowLeft"],
  ["second-forward", "second", "1 s forward", "Shift+ArrowRight"],
  ["five-back", "five", "5 s back", "PageUp"],
  ["five-forward", "five", "5 s forward", "PageDown"],
  ["five-back-ctrl", "five", "5 s back", "Ctrl+ArrowLeft"],
  ["five-forward-ctrl", "five", "5 s forward", "Ctrl+ArrowRight"],
  ["tier-previous", "tierJump", "previous annotation on the selected one's tier", "Shift+PageUp"],
  ["tier-next", "tierJump", "next annotation on the selected one's tier", "Shift+PageDown"],
  ["start", "ends", "start of the clip", "Home"],
  ["end", "ends", "end of the clip", "End"],
  ["slower", "rate", "slower (0.25x-2x)", "["],
  ["faster", "rate", "faster (0.25x-2x)", "]"],
  ["shuttle-back", "shuttleBack", "shuttle: play backward (again: 2x, 4x)", "j"],
  ["shuttle-pause", "shuttlePause", "shuttle: stop; held, J / L step one frame", "k"],
  ["shuttle-forward", "shuttleForward", "shuttle: play forward (again: 2x, 4x)", "l"],
  ["loop", "loop", "loop the last few seconds (again: stop)", "L"],
  ["boxes", "boxes", "overlay: face boxes and roles", "B"],
  ["head", "head", "overlay: head direction", "H"],
  ["gaze", "gaze", "overlay: gaze", "G"],
  ["mutual", "mutual", "overlay: mutual gaze", "M"],
  ["zoom-in", "zoom", "timeline zoom in", "+"],
  ["zoom-out", "zoom", "timeline zoom out", "-"],
  ["fit", "fit", "timeline: whole clip", "F"],
  ["automatic", "automatic", "timeline: fold / unfold the automatic lanes", "A"],
  ["roles", "roles", "swap mother and infant for this clip", "R"],
  ["goto", "goto", "go to a time or frame", "T"],
  ["auto-pause", "autoPause", "auto-pause on / off", "P"],
  ["mute", "mute", "sound: mute / unmute", "V"],
  ["select-next", "select", "select the next annotation", "Tab"],
  ["select-previous", "select", "select the previous annotation", "Shift+Tab"],
  ["nudge-start-earlier", "nudgeStart", "selected: start one frame earlier", ",", { code: "Comma" }],
  ["nudge-start-later", "nudgeStart", "selected: start one frame later", ".", { code: "Period" }],
  ["nudge-end-earlier", "nudgeEnd", "selected: end one frame earlier", "<", { code: "Comma" }],
  ["nudge-end-later", "nudgeEnd", "selected: end one frame later", ">", { code: "Period" }],
  ["delete", "delete", "selected: delete", "Delete"],
  ["delete-ask", "delete", "selected: delete (asks first)", "Backspace"],
  ["edit-code", "editCode", "selected: change its code", "Enter"],
  ["undo", "undo", "undo (this coder's changes on the clip, kept over a reload)", "Ctrl+z"],
  ["redo", "redo", "redo", "Ctrl+Shift+z"],
  ["redo-y", "redo", "redo", "Ctrl+y"],
  ["table", "table", "the annotation table (Table tab), keyboard in it", "E"],
  ["consensus-next", "consensusNext", "consensus view: next disagreement", "n"],
  ["consensus-previous", "consensusPrevious", "consensus view: previous disagreement", "N"],
  ["help", "help", "keys and codes (this help)", "?"],
].map(([id, action, label, chord, fields = {}]) => ({ id, action, label, chord, fields }));

const RESERVED = new Set(["Escape"]); // closes dialogs and cancels a key change: never moved
const MODIFIERS = new Set(["Shift", "Control", "Alt", "Meta", "AltGraph", "CapsLock", "OS"]);
const ARROWS = { ArrowLeft: "←", ArrowRight: "→", ArrowUp: "↑", ArrowDown: "↓" };

// The chord of a key press: modifiers (Ctrl, Alt, Shift) and the key; a printable key pressed
// without Ctrl or Alt is its own character ("L", "?", "<": Shift is in the character).
export function chordOf(event) {
  const mods = [];
  if (event.ctrlKey || event.metaKey) mods.push("Ctrl");
  if (event.altKey) mods.push("Alt");
  let key = event.key === " " ? "Space" : event.key;
  if (key.length === 1 && key !== " ") {
    if (mods.length) {
      if (event.shiftKey) mods.push("Shift");
      key = key.toLowerCase();
    }
  } else if (event.shiftKey) mods.push("Shift");
  return [...mods, key].join("+");
}

// A chord as the coder reads it: "Shift+L", "Ctrl+Z", "←".
export function shownChord(chord) {
  const parts = chord.split(/\+(?=.)/);
  const key = parts.pop();
  let shown = ARROWS[key] || key;
  if (key.length === 1 && /[A-Z]/.test(key)) parts.push("Shift");
  if (key.length === 1 && parts.includes("Ctrl")) shown = key.toUpperCase();
  return [...parts, shown].join("+");
}

// The key event a chord stands for, as the tool's keys read it (key, code, modifiers).
function eventOf(chord, fields = {}, original = null) {
  const parts = chord.split(/\+(?=.)/);
  const last = parts.pop();
  const key = last === "Space" ? " " : last;
  return {
    key,
    code: fields.code || "",
    shiftKey: parts.includes("Shift") || /^[A-Z<>?]$/.test(key),
    ctrlKey: parts.includes("Ctrl"),
    altKey: parts.includes("Alt"),
    metaKey: false,
    repeat: Boolean(original?.repeat),
    target: original?.target || document.body,
    original,
    preventDefault: () => original?.preventDefault(),
  };
}

const codeId = (tier, code) => `${tier}/${code.name}`;

export class Keymap extends EventTarget {
  constructor(scheme) {
    super();
    this.scheme = scheme;
    this.saved = { codes: {}, controls: {} };
    this.rebuild();
  }

  async load() {
    try {
      const saved = await get("/api/keys");
      this.saved = { codes: saved.codes || {}, controls: saved.controls || {} };
    } catch {
      this.saved = { codes: {}, controls: {} }; // the scheme's keys: still codes as before
    }
    this.rebuild();
    this.dispatchEvent(new Event("change"));
  }

  // The key of each code, and what each chord does now.
  rebuild() {
    this.codes = new Map();
    for (const tier of this.scheme.tiers) {
      for (const code of tier.codes) {
        const key = this.saved.codes[codeId(tier.name, code)] ?? code.key;
        if (key) this.codes.set(key, { tier: tier.name, code });
      }
    }
    this.moved = new Map(); // chord -> binding moved there
    this.away = new Set(); // first chords of bindings moved elsewhere
    for (const binding of BINDINGS) {
      const chord = this.chord(binding);
      if (chord !== binding.chord) {
        this.moved.set(chord, binding);
        this.away.add(binding.chord);
      }
    }
    for (const chord of this.moved.keys()) this.away.delete(chord);
  }

  chord(binding) {
    return this.saved.controls[binding.id] ?? binding.chord;
  }

  // A tool key that a code holds (the code wins): the code, or null.
  takenBy(binding) {
    const chord = this.chord(binding);
    return chord.length === 1 ? this.codes.get(chord) || null : null;
  }

  // What the tool's keys are to handle for this key press: the event itself, the event of the
  // key a moved action had at first (marked as moved: no code is looked up for it), or null
  // (the key's action moved away: nothing happens).
  route(event) {
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
    if (plain && event.key !== " " && this.codes.has(event.key)) return event;
    const chord = chordOf(event);
    const binding = this.moved.get(chord);
    if (binding) return { ...eventOf(binding.chord, binding.fields, event), moved: true };
    if (this.away.has(chord)) return null;
    return event;
  }

  // What holds a chord now (a sentence for the refusal), or null when it is free. `except` is
  // the code or action being moved.
  holder(chord, except) {
    if (RESERVED.has(chord)) return `${chord} closes dialogs and cancels; it cannot be moved`;
    const code = chord.length === 1 ? this.codes.get(chord) : null;
    if (code && except !== codeId(code.tier, code.code))
      return `${shownChord(chord)} is the key of ${code.tier}: ${code.code.label || code.code.name}`;
    for (const binding of BINDINGS) {
      if (binding.id === except || this.chord(binding) !== chord || this.takenBy(binding)) continue;
      return `${shownChord(chord)} is the key of "${binding.label}"`;
    }
    if (this.away.has(chord) || this.moved.has(chord)) return null;
    const fixed = CONTROLS.find(([, test]) => test(eventOf(chord)));
    if (fixed && !BINDINGS.some((b) => b.chord === chord))
      return `${shownChord(chord)} is the tool key of "${HELP[fixed[2]] || fixed[2]}"`;
    return null;
  }

  // Move a code (id TIER/CODE) or a tool action (its id) to a chord; answers the refusal, or
  // null once the server stored it.
  async assign(id, chord, { isCode }) {
    if (isCode && (chord.length !== 1 || chord === " "))
      return `a code's key is one character without Ctrl or Alt, not ${shownChord(chord)}`;
    const held = this.holder(chord, id);
    if (held) return `not changed: ${held}`;
    const next = {
      codes: { ...this.saved.codes },
      controls: { ...this.saved.controls },
    };
    const first = isCode ? this.firstCodeKey(id) : BINDINGS.find((b) => b.id === id)?.chord;
    const part = isCode ? next.codes : next.controls;
    if (chord === first) delete part[id];
    else part[id] = chord;
    return this.store(() => request("PUT", "/api/keys", next));
  }

  async reset() {
    return this.store(() => request("DELETE", "/api/keys"));
  }

  async store(send) {
    try {
      const saved = await send();
      this.saved = { codes: saved.codes || {}, controls: saved.controls || {} };
    } catch (error) {
      return `not saved: ${error.message}`;
    }
    this.rebuild();
    this.dispatchEvent(new Event("change"));
    return null;
  }

  firstCodeKey(id) {
    for (const tier of this.scheme.tiers)
      for (const code of tier.codes) if (codeId(tier.name, code) === id) return code.key;
    return undefined;
  }

  // The help: every code with its key, every tool key (moved ones where they are now).
  help() {
    const codeRows = [...this.codes.entries()].map(([key, { tier, code }]) =>
      el(
        "tr",
        {},
        el("td", { class: "key" }, shownChord(key)),
        el(
          "td",
          {},
          el("span", { class: "swatch", style: `background:${code.colour || "#999"}` }),
          `${tier}: ${code.label} (${code.type})`,
        ),
      ),
    );
    const bound = new Set(BINDINGS.map((b) => b.action));
    const toolRows = BINDINGS.map((binding) => {
      const taken = this.takenBy(binding);
      return el(
        "tr",
        {},
        el("td", { class: "key" }, shownChord(this.chord(binding))),
        el(
          "td",
          {},
          binding.label,
          taken ? el("em", {}, ` (${this.chord(binding)} is a code key here)`) : "",
        ),
      );
    });
    const fixed = CONTROLS.filter(([, , action]) => !bound.has(action)).map(([label, , action]) =>
      el("tr", {}, el("td", { class: "key" }, label), el("td", {}, HELP[action] || action)),
    );
    return el(
      "div",
      {},
      el("h3", {}, "Codes"),
      el("table", {}, codeRows),
      el("h3", {}, "Tool keys"),
      el("table", {}, toolRows, fixed),
      el("p", { class: "dim" }, "Change any key: the keys button (⌨) in the header."),
    );
  }
}

// The keys dialog: every code and tool action with its key; "change", then the new key
// (Escape: cancel); refused when another code or action holds it; "reset" goes back to the
// scheme's and the tool's keys.
export class KeysDialog {
  constructor(box, keymap) {
    this.box = box;
    this.keymap = keymap;
    this.capturing = null; // {id, isCode, row}
    this.message = "";
    window.addEventListener("keydown", (event) => this.capture(event), true);
    keymap.addEventListener("change", () => this.render());
  }

  toggle(open = this.box.hidden) {
    this.box.hidden = !open;
    this.capturing = null;
    this.message = "";
    if (open) this.render();
  }

  say(text, level = "") {
    this.message = text;
    const line = this.box.querySelector(".keys-message");
    if (line) {
      line.textContent = text;
      line.dataset.level = level;
    }
  }

  row(id, label, chord, isCode, note = "") {
    const waiting = this.capturing?.id === id;
    return el(
      "tr",
      { dataset: { binding: id }, class: waiting ? "waiting" : "" },
      el("td", {}, label, note ? el("em", {}, ` ${note}`) : ""),
      el("td", { class: "key" }, el("kbd", {}, waiting ? "press a key…" : shownChord(chord))),
      el(
        "td",
        {},
        el(
          "button",
          {
            type: "button",
            class: "change",
            onclick: (event) => {
              event.currentTarget.blur();
              this.capturing = { id, isCode };
              this.render();
              this.say("press the new key (Escape: cancel)");
            },
          },
          "change",
        ),
      ),
    );
  }

  render() {
    const km = this.keymap;
    const codes = [];
    for (const tier of km.scheme.tiers)
      for (const code of tier.codes) {
        const id = codeId(tier.name, code);
        const key = km.saved.codes[id] ?? code.key;
        codes.push(this.row(id, `${tier.name}: ${code.label || code.name}`, key || "—", true));
      }
    const tools = BINDINGS.map((b) => {
      const taken = km.takenBy(b);
      const note = taken ? `(taken by code ${taken.code.name}: move one of them)` : "";
      return this.row(b.id, b.label, km.chord(b), false, note);
    });
    this.box.replaceChildren(
      el(
        "button",
        { type: "button", class: "close", title: "close (Escape)", onclick: () => this.toggle(false) },
        "×",
      ),
      el("h3", {}, "Keys (saved for this coder)"),
      el("p", { class: "keys-message", role: "status" }, this.message),
      el(
        "button",
        {
          type: "button",
          id: "keys-reset",
          onclick: async (event) => {
            event.currentTarget.blur();
            const refused = await km.reset();
            this.say(refused || "back to the scheme's and the tool's keys", refused ? "warn" : "ok");
          },
        },
        "reset to the scheme's keys",
      ),
      el("h4", {}, "Codes"),
      el("table", { class: "keys-codes" }, codes),
      el("h4", {}, "Tool keys"),
      el("table", { class: "keys-tools" }, tools),
    );
  }

  async capture(event) {
    if (this.box.hidden) return;
    if (!this.capturing) {
      if (event.key === "Escape") this.toggle(false);
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    if (MODIFIERS.has(event.key) || event.repeat) return;
    const { id, isCode } = this.capturing;
    this.capturing = null;
    if (event.key === "Escape") {
      this.render();
      return this.say("not changed");
    }
    const chord = chordOf(event);
    const refused = await this.keymap.assign(id, chord, { isCode });
    this.render();
    this.say(refused || `${id}: now ${shownChord(chord)}`, refused ? "warn" : "ok");
  }
}

// The page's part: the dialog, the code bar and help kept in step with the keys (`more`: the
// help of other parts of the page, e.g. the annotation table's keys, shown after it).
export function wireKeymap({ keymap, keyboard, onCode, codeBar, help, dialog, opener, more = [] }) {
  const keys = new KeysDialog(dialog, keymap);
  const show = () => {
    keyboard.codes = keymap.codes;
    codeBar.replaceChildren(...keyboard.codeBar(onCode));
    help.replaceChildren(keymap.help(), ...more.map((part) => part()));
  };
  keymap.addEventListener("change", () => {
    show();
    showChords(keymap);
  });
  showChords(keymap);
  opener.addEventListener("click", () => {
    opener.blur();
    keys.toggle();
  });
  show();
  return keys;
}

// The keys where the page names them: a control's tooltip (data-binding: the ids of the actions
// it does, its text without the key in data-tip) and a label's key (data-chord: one id), as the
// coder's keys are now.
export function showChords(keymap, root = document) {
  const byId = new Map(BINDINGS.map((b) => [b.id, b]));
  const shown = (id) => (byId.has(id) ? shownChord(keymap.chord(byId.get(id))) : "");
  for (const node of root.querySelectorAll("[data-binding]")) {
    if (node.dataset.tip === undefined) node.dataset.tip = node.title.replace(/\s*\([^()]*\)$/, "");
    const chords = node.dataset.binding.split(" ").map(shown).filter(Boolean);
    node.title = `${node.dataset.tip} (${chords.join(" / ")})`;
  }
  for (const node of root.querySelectorAll("[data-chord]")) node.textContent = shown(node.dataset.chord);
}
