// The CARE-Index sheet beside the video. For each aspect, each partner shares its points among
// its patterns (adult: 3, infant: 4); the sums are checked as the coder types, an aspect is saved
// when every partner given points adds up (each value from 0 to the aspect's points), with the
// coder's note on it; an aspect can be cleared; the totals and the synchrony score follow.

import { clipQuery, get } from "./api.js";
import { el } from "./format.js";

export class CareSheet {
  constructor(root, { config, annotations, clip }) {
    this.root = root;
    this.config = config;
    this.annotations = annotations;
    this.clip = clip;
    this.sheet = null;
    this.timers = {};
    this.rows = {};
  }

  async load() {
    this.sheet = await get(`/api/clip/care${clipQuery(this.clip)}`);
    this.render();
  }

  partners() {
    return Object.entries(this.config.partners);
  }

  render() {
    const head = el("tr", {}, el("th", { class: "aspect" }, "aspect"));
    for (const [partner, patterns] of this.partners()) {
      for (const p of patterns) head.append(el("th", { title: `${partner} ${p}` }, p.slice(0, 4)));
      head.append(el("th", { title: `${partner}: sum` }, "Σ"));
    }
    head.append(el("th", { class: "clear-col" }, ""));
    const span = this.partners().reduce((n, [, patterns]) => n + patterns.length + 1, 0);
    this.span = span + 2;
    const body = this.config.aspects.flatMap((aspect) => this.row(aspect));
    this.summary = el("div", { id: "care-summary" });
    const groups = el("tr", {}, el("th", {}, ""));
    for (const [partner, patterns] of this.partners())
      groups.append(el("th", { colspan: patterns.length + 1, class: "partner" }, partner));
    groups.append(el("th", {}, ""));
    this.root.replaceChildren(
      el(
        "p",
        { class: "hint" },
        `Share each partner's ${this.config.points_per_aspect} points per aspect (steps of ${this.config.step}); × clears an aspect.`,
      ),
      el("table", { id: "care-table" }, el("thead", {}, groups, head), el("tbody", {}, ...body)),
      this.summary,
    );
    for (const aspect of this.config.aspects) this.check(aspect.id);
    this.updateSummary();
  }

  // Two table rows per aspect: the points (with the label, the saved state and a clear
  // button), and the coder's note under them.
  row(aspect) {
    const saved = this.sheet?.aspects?.[aspect.id];
    const inputs = {};
    const status = el("div", { class: "status" }, saved ? "saved" : "");
    const tr = el(
      "tr",
      { dataset: { aspect: aspect.id } },
      el("td", { class: "aspect" }, el("div", {}, aspect.label), status),
    );
    const sums = {};
    for (const [partner, patterns] of this.partners()) {
      inputs[partner] = {};
      for (const pattern of patterns) {
        const value = saved?.points?.[partner]?.[pattern];
        const input = el("input", {
          type: "number",
          min: 0,
          max: this.config.points_per_aspect,
          step: this.config.step,
          value: value === undefined ? "" : value,
          "aria-label": `${aspect.label}: ${partner} ${pattern}`,
          title: `${partner} ${pattern}`,
          dataset: { partner, pattern },
          oninput: () => this.changed(aspect.id),
        });
        inputs[partner][pattern] = input;
        tr.append(el("td", {}, input));
      }
      sums[partner] = el("td", { class: "sum" });
      tr.append(sums[partner]);
    }
    const clear = el(
      "button",
      {
        type: "button",
        class: "clear",
        title: `clear ${aspect.label} (points and note)`,
        dataset: { aspect: aspect.id },
        onclick: () => this.clear(aspect.id),
      },
      "×",
    );
    tr.append(el("td", { class: "clear-col" }, clear));
    const note = el("input", {
      type: "text",
      class: "note",
      maxlength: 2000,
      placeholder: `note on ${aspect.label.toLowerCase()}`,
      "aria-label": `${aspect.label}: note`,
      value: saved?.note || "",
      dataset: { aspect: aspect.id },
      oninput: () => this.changed(aspect.id),
    });
    const noteRow = el(
      "tr",
      { class: "note-row", dataset: { noteOf: aspect.id } },
      el("td", { colspan: this.span || 12 }, note),
    );
    this.rows[aspect.id] = { inputs, sums, status, tr, note };
    return [tr, noteRow];
  }

  // partner -> {pattern: points} of the filled partners, the problems ('' when it adds up),
  // and the partners whose points are wrong.
  read(aspectId) {
    const { inputs } = this.rows[aspectId];
    const most = this.config.points_per_aspect;
    const points = {};
    const problems = [];
    const wrong = new Set();
    for (const [partner, patterns] of Object.entries(inputs)) {
      const filled = Object.entries(patterns).filter(([, input]) => input.value !== "");
      if (!filled.length) continue;
      points[partner] = {};
      for (const [pattern, input] of Object.entries(patterns)) {
        const value = input.value === "" ? 0 : Number(input.value);
        points[partner][pattern] = value;
        const outside = !Number.isFinite(value) || value < 0 || value > most;
        input.classList.toggle("bad", outside);
      }
      const values = Object.values(points[partner]);
      const total = values.reduce((a, b) => a + b, 0);
      const inRange = values.every((v) => Number.isFinite(v) && v >= 0 && v <= most);
      const steps = values.every(
        (v) => Math.abs(v / this.config.step - Math.round(v / this.config.step)) < 1e-9,
      );
      if (!inRange) problems.push(`${partner}: points from 0 to ${most}`);
      else if (!steps) problems.push(`${partner}: steps of ${this.config.step}`);
      else if (Math.abs(total - most) > 1e-9) problems.push(`${partner}: ${total} of ${most}`);
      else continue;
      wrong.add(partner);
    }
    return { points, problems, wrong };
  }

  check(aspectId) {
    const { sums, tr } = this.rows[aspectId];
    const { points, problems, wrong } = this.read(aspectId);
    for (const [partner, cell] of Object.entries(sums)) {
      const given = points[partner];
      const total = given ? Object.values(given).reduce((a, b) => a + b, 0) : null;
      cell.textContent = total === null ? "" : String(total);
      cell.className = `sum ${total === null ? "" : wrong.has(partner) ? "bad" : "ok"}`;
    }
    tr.classList.toggle("invalid", problems.length > 0);
    return { points, problems };
  }

  changed(aspectId) {
    const { status, note } = this.rows[aspectId];
    const { points, problems } = this.check(aspectId);
    clearTimeout(this.timers[aspectId]);
    const stored = this.sheet?.aspects?.[aspectId];
    if (problems.length) {
      status.textContent = `not saved: ${problems.join("; ")}`;
      status.className = "status bad";
      this.updateSummary();
      return;
    }
    if (!Object.keys(points).length && !note.value && !stored) {
      status.textContent = "";
      status.className = "status";
      return;
    }
    status.textContent = "saving…";
    status.className = "status pending";
    this.timers[aspectId] = setTimeout(() => this.save(aspectId, points, note.value), 300);
  }

  // Empty points and no note: the aspect is cleared (the store removes it).
  save(aspectId, points, note) {
    const { status } = this.rows[aspectId];
    const clearing = !Object.keys(points).length && !note;
    this.annotations.saveCare(aspectId, points, note, (answer, error) => {
      if (error) {
        status.textContent = `not saved: ${error}`;
        status.className = "status bad";
        return;
      }
      this.sheet = answer;
      status.textContent = clearing ? "cleared" : "saved";
      status.className = "status ok";
      this.updateSummary();
    });
  }

  clear(aspectId) {
    const { inputs, note, status } = this.rows[aspectId];
    for (const patterns of Object.values(inputs))
      for (const input of Object.values(patterns)) input.value = "";
    note.value = "";
    this.check(aspectId);
    clearTimeout(this.timers[aspectId]);
    status.textContent = "saving…";
    status.className = "status pending";
    this.save(aspectId, {}, "");
  }

  updateSummary() {
    if (!this.summary || !this.sheet) return;
    const [partner, pattern] = this.config.synchrony;
    const totals = this.sheet.totals || {};
    const lines = this.partners().map(
      ([p, patterns]) => `${p}: ${patterns.map((x) => `${x} ${totals[p]?.[x] ?? 0}`).join(", ")}`,
    );
    const missing = this.sheet.missing?.length || 0;
    const synchrony = this.sheet.complete
      ? `Dyadic synchrony (${partner} ${pattern}): ${this.sheet.synchrony} — ${this.sheet.band}`
      : `${missing} of ${this.config.aspects.length * this.partners().length} scores still to fill`;
    this.summary.replaceChildren(
      ...lines.map((l) => el("div", {}, l)),
      el("div", { id: "care-synchrony" }, synchrony),
    );
  }
}
