// The CARE-Index sheet beside the video. For each aspect, each partner shares its points among
// its patterns (adult: 3, infant: 4); the sums are checked as the coder types, an aspect is saved
// when every partner given points adds up, and the totals and the synchrony score follow.

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
    const head = el("tr", {}, el("th", {}, "aspect"));
    for (const [partner, patterns] of this.partners()) {
      for (const p of patterns) head.append(el("th", { title: `${partner} ${p}` }, p.slice(0, 5)));
      head.append(el("th", {}, "Σ"));
    }
    head.append(el("th", {}, ""));
    const body = this.config.aspects.map((aspect) => this.row(aspect));
    this.summary = el("div", { id: "care-summary" });
    this.root.replaceChildren(
      el(
        "p",
        { class: "hint" },
        `Share each partner's ${this.config.points_per_aspect} points per aspect (steps of ${this.config.step}).`,
      ),
      el("table", { id: "care-table" }, el("thead", {}, head), el("tbody", {}, body)),
      this.summary,
    );
    this.updateSummary();
  }

  row(aspect) {
    const saved = this.sheet?.aspects?.[aspect.id];
    const inputs = {};
    const tr = el("tr", { dataset: { aspect: aspect.id } }, el("td", {}, aspect.label));
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
          dataset: { partner, pattern },
          oninput: () => this.changed(aspect.id),
        });
        inputs[partner][pattern] = input;
        tr.append(el("td", {}, input));
      }
      sums[partner] = el("td", { class: "sum" });
      tr.append(sums[partner]);
    }
    const status = el("td", { class: "status" }, saved ? "saved" : "");
    tr.append(status);
    this.rows[aspect.id] = { inputs, sums, status, tr };
    this.check(aspect.id);
    return tr;
  }

  // partner -> {pattern: points} of the filled partners, and the problems ('' when it adds up).
  read(aspectId) {
    const { inputs } = this.rows[aspectId];
    const points = {};
    const problems = [];
    for (const [partner, patterns] of Object.entries(inputs)) {
      const filled = Object.entries(patterns).filter(([, input]) => input.value !== "");
      if (!filled.length) continue;
      points[partner] = {};
      for (const [pattern, input] of Object.entries(patterns))
        points[partner][pattern] = input.value === "" ? 0 : Number(input.value);
      const values = Object.values(points[partner]);
      const total = values.reduce((a, b) => a + b, 0);
      const steps = values.every(
        (v) => v >= 0 && Math.abs(v / this.config.step - Math.round(v / this.config.step)) < 1e-9,
      );
      if (!steps) problems.push(`${partner}: steps of ${this.config.step}`);
      else if (Math.abs(total - this.config.points_per_aspect) > 1e-9)
        problems.push(`${partner}: ${total} of ${this.config.points_per_aspect}`);
    }
    return { points, problems };
  }

  check(aspectId) {
    const { sums, tr } = this.rows[aspectId];
    const { points, problems } = this.read(aspectId);
    for (const [partner, cell] of Object.entries(sums)) {
      const given = points[partner];
      const total = given ? Object.values(given).reduce((a, b) => a + b, 0) : null;
      cell.textContent = total === null ? "" : String(total);
      const adds = total !== null && Math.abs(total - this.config.points_per_aspect) < 1e-9;
      cell.className = `sum ${total === null ? "" : adds ? "ok" : "bad"}`;
    }
    tr.classList.toggle("invalid", problems.length > 0);
    return { points, problems };
  }

  changed(aspectId) {
    const { status } = this.rows[aspectId];
    const { points, problems } = this.check(aspectId);
    clearTimeout(this.timers[aspectId]);
    if (problems.length || !Object.keys(points).length) {
      status.textContent = problems.length ? `not saved: ${problems.join("; ")}` : "";
      status.className = "status bad";
      this.updateSummary();
      return;
    }
    status.textContent = "saving…";
    status.className = "status pending";
    this.timers[aspectId] = setTimeout(() => {
      this.annotations.saveCare(aspectId, points, "", (answer, error) => {
        if (error) {
          status.textContent = `not saved: ${error}`;
          status.className = "status bad";
          return;
        }
        this.sheet = answer;
        status.textContent = "saved";
        status.className = "status ok";
        this.updateSummary();
      });
    }, 300);
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
