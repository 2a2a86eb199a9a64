// The side panel's "Annotation" tab: the selected annotation (code, times, modifiers, note,
// delete) and the list of the coder's annotations on this clip (click one to select it).

import { el, formatTime } from "./format.js";

const MODIFIER_SEPARATOR = "|";

export class Panel {
  constructor({ editor, list }, { actions, annotations, scheme, player }) {
    this.editor = editor;
    this.list = list;
    this.actions = actions;
    this.annotations = annotations;
    this.scheme = scheme;
    this.player = player;
  }

  timeText(t) {
    return `${formatTime(t)} (frame ${this.player.frameAt(t)})`;
  }

  render() {
    this.renderEditor();
    this.renderList();
  }

  // Drawn again on every change; the field the coder is in keeps the keyboard (Enter, then
  // arrows through the codes: each step is saved and the next arrow still changes the code).
  renderEditor() {
    const focused = this.editor.contains(document.activeElement) ? document.activeElement.id : "";
    this.drawEditor();
    if (focused) document.getElementById(focused)?.focus();
  }

  drawEditor() {
    const item = this.actions.selected;
    this.editor.replaceChildren();
    if (!item || item.removed) {
      this.editor.append(
        el(
          "p",
          { class: "hint" },
          "Press a code key to code; click an annotation or press Tab to select one.",
        ),
      );
      return;
    }
    const tier = this.actions.tier(item.tier);
    const code = this.actions.codeOf(item);
    const codeSelect = el(
      "select",
      { id: "edit-code", onchange: (e) => this.actions.change({ code: e.target.value }) },
      (tier?.codes || []).map((c) =>
        el(
          "option",
          { value: c.name, selected: c.name === item.code },
          `${c.label} (${c.key || "-"})`,
        ),
      ),
    );
    const open = this.actions.isOpen(item);
    const end = !this.actions.isState(item)
      ? "point"
      : open
        ? "open: press its key again to end it"
        : this.timeText(item.end_s);
    this.editor.append(
      el(
        "div",
        { class: "edit-title" },
        `${item.tier} / `,
        el("strong", {}, item.code),
        item.pending
          ? el("span", { class: "unsaved" }, " unsaved")
          : el("span", { class: "saved" }, " saved"),
      ),
      el("label", {}, "code ", codeSelect),
      el("div", {}, "start ", el("span", { id: "edit-start" }, this.timeText(item.start_s))),
      el("div", {}, "end ", el("span", { id: "edit-end" }, end)),
      ...this.modifierFields(item, code),
      el(
        "label",
        {},
        "note ",
        el("input", {
          id: "edit-note",
          type: "text",
          value: item.note || "",
          maxlength: 2000,
          onchange: (e) => this.actions.change({ note: e.target.value }),
        }),
      ),
      el(
        "div",
        { class: "edit-keys" },
        ", . move the start by a frame · < > move the end · Del deletes · Enter: code",
      ),
      el(
        "button",
        { type: "button", id: "edit-delete", onclick: () => this.actions.deleteSelected() },
        "Delete",
      ),
    );
  }

  modifierFields(item, code) {
    if (!code || !code.modifiers.length) return [];
    const parts = (item.value || "").split(MODIFIER_SEPARATOR);
    return code.modifiers.map((set, index) => {
      const choose = (value) => {
        const next = code.modifiers.map((_, i) => (i === index ? value : parts[i] || ""));
        this.actions.change({ value: next.join(MODIFIER_SEPARATOR).replace(/\|+$/, "") });
      };
      if (!set.values.length) {
        return el(
          "label",
          {},
          `${set.name} `,
          el("input", {
            type: "text",
            id: `edit-modifier-${index}`,
            value: parts[index] || "",
            onchange: (e) => choose(e.target.value),
          }),
        );
      }
      return el(
        "label",
        {},
        `${set.name} `,
        el(
          "select",
          { id: `edit-modifier-${index}`, onchange: (e) => choose(e.target.value) },
          el("option", { value: "" }, "-"),
          set.values.map((v) => el("option", { value: v, selected: parts[index] === v }, v)),
        ),
      );
    });
  }

  // One line per annotation: start, end (states), tier, code, modifiers and note; an open state
  // is flagged; the selected one is scrolled into view.
  renderList() {
    const items = this.actions.ownSorted();
    let chosen = null;
    this.list.replaceChildren(
      ...items.map((a) => {
        const open = this.actions.isOpen(a);
        const state = this.actions.isState(a);
        const end = open ? " → (open)" : state ? `–${formatTime(a.end_s)}` : "";
        const extra = [a.value, a.note].filter(Boolean).join(" · ");
        const item = el(
          "li",
          {
            class: `${a === this.actions.selected ? "selected" : ""} ${a.pending ? "pending" : "stored"} ${open ? "open" : ""}`,
            title: open ? "started, not ended: press its key again to end it" : "",
            dataset: {
              tier: a.tier,
              code: a.code,
              start: a.start_s,
              end: a.end_s,
              open: open ? "1" : "0",
              saved: a.pending ? "0" : "1",
            },
            onclick: () => {
              this.actions.select(a);
              this.player.video.pause();
              this.player.seekFrame(this.player.frameAt(a.start_s));
            },
          },
          el("span", { class: "swatch", style: `background:${this.colour(a)}` }),
          `${formatTime(a.start_s)}${end} ${a.tier} ${a.code}`,
          extra ? el("span", { class: "extra" }, ` ${extra}`) : null,
        );
        if (a === this.actions.selected) chosen = item;
        return item;
      }),
    );
    chosen?.scrollIntoView({ block: "nearest" });
  }

  colour(a) {
    return this.actions.codeOf(a)?.colour || "#9e9e9e";
  }
}
