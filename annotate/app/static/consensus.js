// The consensus view: two coders of the clip compared, and the agreed version recorded as this
// session's coder (`annotate code CLIP --consensus A,B` records it as `consensus`).
//
// - Lanes (above the timeline): per tier, A's lane, B's, and the consensus so far under them;
//   each disagreement marked in red across A's and B's (a stretch where the frame codes differ,
//   or a point without a partner within the tolerance: the server's comparison, the one
//   `annotate reliability` makes).
// - The Consensus tab: the pair, the agreement figure per tier (kappa and percent agreement of
//   the frames, matched points), the disagreements to step through (n / Shift+N) with, for each,
//   what the consensus says there now and "A's", "B's" or "edit" (select the consensus
//   annotation there and change it with the usual keys), "take all agreed", and both CARE-Index
//   sheets side by side (aspects that differ marked, with notes) with "A's" / "B's" per aspect.
//
// Every take is one change of the store (history: who made it, of which coders), sent only when
// the page's own queue is saved, with the revision the page holds; the page then reloads this
// coder's annotations and sheet. A's and B's annotations are only read.

import { clipQuery, get, request } from "./api.js";
import { changeKey } from "./annotations.js";
import { el, formatTime } from "./format.js";
import { showChords } from "./keymap.js";

const LABEL_W = 170; // as the timeline's
const ROW_H = 14;
const TIER_GAP = 5;
const MARK = "rgba(239, 83, 80, 0.45)";
const MARK_LINE = "#ef5350";
const NOW_TEXT = { a: "as A", b: "as B", other: "edited", open: "open" };

export class ConsensusView {
  constructor(ui, notify) {
    this.ui = ui;
    this.notify = notify;
    this.data = null;
    this.current = -1;
    this.opened = false;
    this.busy = false;
    this.marks = [];
  }

  mount() {
    document.head.append(el("link", { rel: "stylesheet", href: "/static/consensus.css" }));
    this.tab = el("button", { type: "button", dataset: { tab: "consensus" } }, "Consensus");
    this.tab.addEventListener("click", () => this.show());
    document.querySelector("#side nav").append(this.tab);
    this.root = el("div", { id: "consensus" });
    document
      .getElementById("side")
      .append(el("div", { class: "pane", id: "pane-consensus", hidden: true }, this.root));
    this.canvas = el("canvas", { id: "consensus-canvas" });
    this.lanes = el("div", { id: "consensus-lanes", hidden: true }, this.canvas);
    const box = document.getElementById("timeline-box");
    box.insertBefore(this.lanes, document.getElementById("timeline-scroll"));
    this.canvas.addEventListener("click", (event) => this.click(event));
    window.addEventListener("resize", () => this.draw());
    this.ui.player.onTick((t) => this.drawAt(t));
    this.ui.annotations.addEventListener("change", () => {
      this.draw();
      this.follow();
    });
  }

  // The consensus coder's own edits (keys, table, mouse, undo): once saved, what the consensus
  // says at each disagreement is read again (a take reloads by itself).
  follow() {
    if (!this.data?.a || !this.data.recording || this.busy) return;
    clearTimeout(this.following);
    this.following = setTimeout(() => {
      if (!this.busy && !this.ui.annotations.queue.length) this.load();
      else this.follow();
    }, 300);
  }

  // The tab as the page's own tabs switch: this one active, its pane shown, the lanes opened.
  show() {
    for (const tab of document.querySelectorAll("[data-tab]"))
      tab.classList.toggle("active", tab.dataset.tab === "consensus");
    for (const pane of document.querySelectorAll(".pane"))
      pane.hidden = pane.id !== "pane-consensus";
    this.tab.blur();
    this.open();
  }

  open() {
    this.opened = true;
    this.lanes.hidden = !this.data?.a;
    this.draw();
  }

  async load(a = this.data?.a, b = this.data?.b) {
    const extra = a && b ? { a, b } : {};
    try {
      this.data = await get(`/api/consensus${clipQuery(this.ui.name, extra)}`);
      this.problem = null;
    } catch (error) {
      this.problem = error.message;
      this.data = { ...(this.data || {}), a: null, b: null, coders: this.data?.coders || [] };
    }
    if (this.current >= (this.data.disagreements || []).length) this.current = -1;
    this.render();
    if (this.data.recording && !this.opened) this.show();
    else if (this.opened) this.open();
    document.body.dataset.consensus = this.data.a ? "1" : "0";
  }

  // the side pane -----------------------------------------------------------------------------

  render() {
    const data = this.data;
    const pick = (which, chosen) =>
      el(
        "select",
        { id: `consensus-${which}`, "aria-label": `coder ${which.toUpperCase()}` },
        el("option", { value: "" }, "—"),
        (data.coders || []).map((c) => el("option", { value: c, selected: c === chosen }, c)),
      );
    const selectA = pick("a", data.a);
    const selectB = pick("b", data.b);
    const choose = () => {
      if (selectA.value && selectB.value && selectA.value !== selectB.value)
        this.load(selectA.value, selectB.value);
    };
    selectA.addEventListener("change", choose);
    selectB.addEventListener("change", choose);
    const head = el("div", { class: "consensus-pair" }, "A ", selectA, " B ", selectB);
    if (!data.a) {
      const why =
        this.problem ||
        `Choose two coders of this clip (other than ${data.coder || "you"}, who records the consensus).`;
      this.root.replaceChildren(head, el("p", { class: "hint" }, why));
      this.lanes.hidden = true;
      return;
    }
    const open = data.disagreements.filter((d) => d.now === "open").length;
    this.root.classList.toggle("read-only", !data.recording);
    const how = data.recording
      ? `Recorded as ${data.coder}, by ${data.by}.`
      : `Compare only: to record the agreed version, start annotate code CLIP --consensus ${data.a},${data.b}.`;
    this.root.replaceChildren(
      head,
      el(
        "p",
        { class: "hint", id: "consensus-how" },
        `${how} `,
        el("span", { dataset: { chord: "consensus-next" } }, "n"),
        " / ",
        el("span", { dataset: { chord: "consensus-previous" } }, "Shift+N"),
        `: next / previous disagreement. Points match within ${data.tolerance_s} s; frames of ${(data.step_s * 1000).toFixed(1)} ms.`,
      ),
      data.recording
        ? el(
            "button",
            { type: "button", id: "consensus-agreed", onclick: () => this.takeAgreed() },
            "take all agreed",
          )
        : "",
      this.figures(),
      el(
        "h3",
        {},
        `Disagreements: ${data.disagreements.length}`,
        open ? ` (${open} open)` : "",
      ),
      el(
        "ol",
        { id: "consensus-list" },
        data.disagreements.map((d, i) => this.item(d, i)),
      ),
      el("h3", {}, "CARE-Index"),
      this.careTable(),
    );
    if (this.ui.keymap) showChords(this.ui.keymap, this.root); // the coder's keys for n / N
  }

  figures() {
    const percent = (x) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`);
    const rows = this.data.tiers.map((t) =>
      el(
        "tr",
        { dataset: { tier: t.tier } },
        el("td", {}, t.tier),
        el("td", { class: "kappa" }, t.kappa === null ? "–" : t.kappa.toFixed(3)),
        el("td", {}, percent(t.agreement)),
        el("td", {}, t.events ? `${t.events.matched} of ${t.events.a} / ${t.events.b}` : "–"),
      ),
    );
    return el(
      "table",
      { id: "consensus-figures" },
      el(
        "tr",
        {},
        el("th", {}, "tier"),
        el("th", { title: "Cohen's kappa on the frames" }, "kappa"),
        el("th", { title: "share of frames with the same codes" }, "agree"),
        el("th", { title: "points matched of A's / B's" }, "points"),
      ),
      rows,
    );
  }

  item(d, index) {
    const when =
      d.kind === "point"
        ? formatTime(d.start_s)
        : `${formatTime(d.start_s)}–${formatTime(d.end_s)}`;
    const take = (side) => (event) => {
      event.stopPropagation();
      event.currentTarget.blur();
      this.take(index, side);
    };
    return el(
      "li",
      {
        class: index === this.current ? "selected" : "",
        dataset: { index: String(index), key: d.key, now: d.now, disagreementTier: d.tier },
        onclick: () => this.select(index),
      },
      el("span", { class: "when" }, when),
      " ",
      el("span", { class: "tier" }, d.tier),
      el(
        "div",
        { class: "labels" },
        el("span", { class: "side-a" }, `${this.data.a}: ${d.label_a}`),
        el("span", { class: "side-b" }, `${this.data.b}: ${d.label_b}`),
      ),
      el(
        "div",
        { class: "choices" },
        el("span", { class: `now now-${d.now}` }, NOW_TEXT[d.now] || d.now),
        ["a", "b"].map((side) =>
          el(
            "button",
            { type: "button", dataset: { take: side }, onclick: take(side) },
            `${this.data[side]}'s`,
          ),
        ),
        el(
          "button",
          {
            type: "button",
            dataset: { edit: "1" },
            onclick: (event) => {
              event.stopPropagation();
              event.currentTarget.blur();
              this.edit(index);
            },
          },
          "edit",
        ),
      ),
    );
  }

  careTable() {
    const { care } = this.data;
    const config = this.ui.session.care;
    const cell = (sheet, aspect) => {
      const scored = sheet.aspects[aspect];
      if (!scored) return el("td", { class: "empty" }, "–");
      const parts = Object.entries(scored.points).map(
        ([partner, points]) =>
          `${partner}: ${Object.entries(points)
            .filter(([, v]) => v)
            .map(([p, v]) => `${p} ${v}`)
            .join(", ")}`,
      );
      return el(
        "td",
        {},
        parts.map((p) => el("div", {}, p)),
        scored.note ? el("div", { class: "note" }, `“${scored.note}”`) : "",
      );
    };
    const rows = config.aspects.flatMap((aspect) => {
      const differs = care.differ.includes(aspect.id);
      const scored = care.a.aspects[aspect.id] || care.b.aspects[aspect.id];
      const button = (side, sheet) =>
        el(
          "button",
          {
            type: "button",
            dataset: { take: side },
            disabled: !sheet.aspects[aspect.id],
            onclick: (event) => {
              event.currentTarget.blur();
              this.takeCare(aspect.id, side);
            },
          },
          `${this.data[side]}'s`,
        );
      const attributes = {
        class: differs ? "differ" : "",
        dataset: { careAspect: aspect.id, differ: differs ? "1" : "0" },
      };
      return [
        el(
          "tr",
          { ...attributes, class: `${attributes.class} aspect-head` },
          el("th", { colspan: 2 }, aspect.label, differs ? " ≠" : ""),
          el(
            "td",
            { class: "choices" },
            scored ? [button("a", care.a), button("b", care.b)] : "",
          ),
        ),
        el(
          "tr",
          { ...attributes, dataset: { careScores: aspect.id } },
          cell(care.a, aspect.id),
          cell(care.b, aspect.id),
          cell(care.consensus, aspect.id),
        ),
      ];
    });
    return el(
      "table",
      { id: "consensus-care" },
      el(
        "tr",
        {},
        el("th", {}, this.data.a),
        el("th", {}, this.data.b),
        el("th", {}, this.data.coder),
      ),
      rows,
    );
  }

  // stepping and choosing ---------------------------------------------------------------------

  select(index) {
    const list = this.data?.disagreements || [];
    if (index < 0 || index >= list.length) return;
    this.current = index;
    const d = list[index];
    const { player } = this.ui;
    player.video.pause();
    player.seekFrame(player.frameAt(d.start_s));
    for (const li of this.root.querySelectorAll("#consensus-list li"))
      li.classList.toggle("selected", Number(li.dataset.index) === index);
    this.root
      .querySelector(`#consensus-list li[data-index="${index}"]`)
      ?.scrollIntoView({ block: "nearest" });
    this.draw();
  }

  step(direction) {
    const list = this.data?.disagreements || [];
    if (!list.length) return this.notify("no disagreements");
    let index = this.current;
    if (index < 0) {
      const now = this.ui.player.now();
      index = direction > 0 ? list.findIndex((d) => d.start_s > now + 1e-6) : -1;
      if (direction < 0)
        for (let i = list.length - 1; i >= 0; i--)
          if (list[i].start_s < now - 1e-6) {
            index = i;
            break;
          }
      if (index < 0) index = direction > 0 ? 0 : list.length - 1;
    } else index = (index + direction + list.length) % list.length;
    this.select(index);
  }

  // n / Shift+N (the page's keys, keys.js: a code's key wins, and the coder may move them).
  stepKey(direction) {
    if (this.data?.a) this.step(direction);
  }

  // The consensus coder's annotation at a disagreement selected in the page's editor.
  edit(index) {
    this.select(index);
    const d = this.data.disagreements[index];
    const mine = this.ui.annotations
      .list()
      .filter(
        (a) => a.tier === d.tier && a.start_s <= d.start_s + 1e-6 && a.end_s >= d.start_s - 1e-6,
      );
    document.querySelector('[data-tab="annotation"]')?.click();
    if (mine.length) this.ui.actions.select(mine[0]);
    else
      this.notify(
        `${this.data.coder} has nothing on ${d.tier} here yet: code it with the keys`,
      );
  }

  async send(method, path, body) {
    const { annotations } = this.ui;
    if (this.busy) return null;
    if (annotations.queue.length) {
      this.notify("wait until your changes are saved", "warn");
      return null;
    }
    this.busy = true;
    document.body.dataset.consensusBusy = "1";
    try {
      const answer = await request(
        method,
        `${path}${clipQuery(this.ui.name)}`,
        { revision: annotations.revision, a: this.data.a, b: this.data.b, ...body },
        { "Idempotency-Key": changeKey() },
      );
      await this.reloadMine();
      return answer;
    } catch (error) {
      this.notify(`not taken: ${error.message}`, "warn");
      // stale (409) or changed since (the disagreement is gone): show what is stored now
      if (error.status === 409) await this.reloadMine().catch(() => {});
      else if (error.status === 422) await this.load();
      return null;
    } finally {
      this.busy = false;
      document.body.dataset.consensusBusy = "0";
    }
  }

  // This coder's annotations and sheet as the store now holds them (the takes were made by
  // the server, not by the page's queue).
  async reloadMine() {
    const { annotations, care } = this.ui;
    await Promise.all([annotations.load(), care.load()]);
    await this.load();
  }

  take(index, side) {
    const d = this.data.disagreements[index];
    this.current = index;
    return this.send("POST", "/api/consensus/take", { key: d.key, take: side });
  }

  async takeAgreed() {
    const answer = await this.send("POST", "/api/consensus/agreed", {});
    if (answer && !answer.changed) this.notify("nothing agreed that is not copied already");
  }

  takeCare(aspect, side) {
    return this.send("PUT", `/api/consensus/care/${encodeURIComponent(aspect)}`, { take: side });
  }

  // the lanes ---------------------------------------------------------------------------------

  tierNames() {
    const used = new Set(this.data.tiers.map((t) => t.tier));
    const order = this.ui.session.scheme.tiers.map((t) => t.name).filter((n) => used.has(n));
    return [...order, ...[...used].filter((n) => !order.includes(n))];
  }

  colourOf(tier, code) {
    const t = this.ui.session.scheme.tiers.find((x) => x.name === tier);
    return t?.codes.find((c) => c.name === code)?.colour || "#90a4ae";
  }

  xOf(t) {
    const width = this.width - LABEL_W - 4;
    return LABEL_W + (t / Math.max(this.ui.player.duration, 1e-6)) * width;
  }

  drawAt(t) {
    if (this.lanes.hidden || t === this.drawnAt) return;
    this.draw(t);
  }

  draw(t = this.ui.player.now()) {
    if (!this.data?.a || this.lanes.hidden) return;
    this.drawnAt = t;
    const tiers = this.tierNames();
    const ratio = window.devicePixelRatio || 1;
    this.width = this.lanes.clientWidth || 600;
    const height = tiers.length * (3 * ROW_H + TIER_GAP) + 4;
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.height = `${height}px`;
    const g = this.canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = "#15181d";
    g.fillRect(0, 0, this.width, height);
    g.font = "11px system-ui, sans-serif";
    g.textBaseline = "middle";
    this.rows = {};
    this.marks = [];
    tiers.forEach((tier, i) => {
      const y = 2 + i * (3 * ROW_H + TIER_GAP);
      this.rows[tier] = { a: y, b: y + ROW_H, consensus: y + 2 * ROW_H };
      const mine = this.ui.annotations.list();
      for (const [side, top, items, name] of [
        ["a", y, this.data.annotations.a, this.data.a],
        ["b", y + ROW_H, this.data.annotations.b, this.data.b],
        ["consensus", y + 2 * ROW_H, mine, `= ${this.data.coder}`],
      ]) {
        g.fillStyle = side === "consensus" ? "#e6e6e6" : "#9aa0a6";
        g.fillText(`${name} · ${tier}`, 4, top + ROW_H / 2, LABEL_W - 8);
        g.fillStyle = "#1d2128";
        g.fillRect(LABEL_W, top + 1, this.width - LABEL_W - 4, ROW_H - 2);
        for (const a of items.filter((x) => x.tier === tier)) {
          g.fillStyle = this.colourOf(tier, a.code);
          const x0 = this.xOf(a.start_s);
          if (a.end_s > a.start_s) {
            g.fillRect(x0, top + 3, Math.max(1, this.xOf(a.end_s) - x0), ROW_H - 6);
          } else {
            g.fillRect(x0 - 1, top + 1, 3, ROW_H - 2);
          }
        }
      }
    });
    this.data.disagreements.forEach((d, index) => {
      const row = this.rows[d.tier];
      if (!row) return;
      const x0 = this.xOf(d.start_s) - (d.kind === "point" ? 3 : 0);
      const x1 = Math.max(this.xOf(d.end_s) + (d.kind === "point" ? 3 : 0), x0 + 3);
      const [y0, y1] = [row.a, row.b + ROW_H];
      g.fillStyle = MARK;
      g.fillRect(x0, y0, x1 - x0, y1 - y0);
      g.fillStyle = MARK_LINE;
      g.fillRect(x0, y1 - 2, x1 - x0, 2);
      if (index === this.current) {
        g.strokeStyle = "#fff";
        g.lineWidth = 1.5;
        g.strokeRect(x0 - 1, y0, x1 - x0 + 2, y1 - y0);
      }
      this.marks.push({ index, key: d.key, x0, x1, y0, y1 });
    });
    g.fillStyle = "#fff";
    g.fillRect(this.xOf(t), 0, 1, height);
  }

  click(event) {
    const box = this.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const hit = this.marks.find((m) => x >= m.x0 - 2 && x <= m.x1 + 2 && y >= m.y0 && y <= m.y1);
    if (hit) return this.select(hit.index);
    if (x < LABEL_W) return;
    const width = this.width - LABEL_W - 4;
    const t = ((x - LABEL_W) / width) * this.ui.player.duration;
    this.ui.player.seekFrame(this.ui.player.frameAt(t));
  }
}

// Mount the view and load it (the command line's pair, or the clip's first two other coders).
export async function wireConsensus(ui, notify) {
  const view = new ConsensusView(ui, notify);
  ui.consensus = view;
  view.mount();
  await view.load();
  return view;
}
