// Mouse editing on the timeline, on the coder's own lanes only (automatic lanes and a second
// coder's lanes are not editable): drag a state's start or end boundary (snapped to frames,
// never past the other boundary, nor into a neighbour on an exclusive tier), drag a point to
// move it, and drag on an empty stretch of a lane to make a state there (the selected
// annotation's code when it is on that tier, else the tier's first state code; Shift at the
// release asks for the code). The annotation moves with the mouse; on release the drag is one
// change of the page's one change path (annotations.js), so one Ctrl+Z takes it back. Escape
// during a drag puts everything back. A press that does not move is a click (select or seek).

import { clamp, formatTime } from "./format.js";

const GRAB_PX = 5; // how near a boundary or a point a press takes it
const MOVE_PX = 3; // how far the mouse goes before a press is a drag

export class TimelineDrag {
  constructor(timeline, { annotations, actions, player, notify }) {
    this.timeline = timeline;
    this.annotations = annotations;
    this.actions = actions;
    this.player = player;
    this.notify = notify;
    this.drag = null;
    this.press = (event) => this.start(event);
    this.moveListener = (event) => this.move(event);
    this.upListener = (event) => this.end(event);
    this.keyListener = (event) => {
      if (event.key !== "Escape" || !this.drag) return;
      event.preventDefault();
      event.stopPropagation();
      this.cancel();
    };
    timeline.canvas.addEventListener("mousemove", (event) => {
      if (!this.drag) this.hover(event);
    });
  }

  where(event) {
    const box = this.timeline.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const row = this.timeline.rows.find((r) => y >= r.y && y < r.y + r.h);
    const inData = x >= this.timeline.xOf(this.timeline.view.start);
    return { x, y, row: inData && row && row.kind === "tier" ? row : null };
  }

  // What a press at (x, y) on a coder's lane takes: a state's start or end, a point, the body of
  // an annotation (left to the timeline: a click selects it), or an empty stretch.
  grab(row, x, y) {
    const tl = this.timeline;
    const items = tl.own.filter((a) => a.tier === row.tier && !a.removed && a.key !== undefined);
    const { level, levels } = tl.stack(items, this.player.video.currentTime);
    const depth = (y - row.y - 2) / (row.h - 4);
    const sub = clamp(Math.floor(depth * levels), 0, levels - 1);
    let best = null;
    const consider = (item, edge, at) => {
      const d = Math.abs(at - x);
      if (d > GRAB_PX) return;
      // of a short state's two edges, the one on the side pressed
      const better = !best || d < best.d || (d === best.d && edge === "end" && x > at);
      if (better) best = { item, edge, d };
    };
    for (const a of items) {
      if (!this.actions.isState(a)) {
        consider(a, "point", tl.xOf(a.start_s));
        continue;
      }
      if (levels > 1 && (level.get(a) || 0) !== sub) continue;
      consider(a, "start", tl.xOf(a.start_s));
      if (!this.actions.isOpen(a)) consider(a, "end", tl.xOf(a.end_s));
    }
    if (best) return best;
    const t = tl.timeAt(x);
    if (tl.hit(row.tier, t, x, depth)) return { edge: "body" };
    return { edge: "empty" };
  }

  hover(event) {
    const { x, y, row } = this.where(event);
    const edge = row ? this.grab(row, x, y).edge : "";
    const cursor = { start: "ew-resize", end: "ew-resize", point: "grab", body: "pointer" }[edge];
    this.timeline.canvas.style.cursor = cursor || "crosshair";
  }

  start(event) {
    if (event.button !== 0 || this.drag) return false;
    const { x, y, row } = this.where(event);
    if (!row) return false;
    const taken = this.grab(row, x, y);
    if (taken.edge === "body") return false;
    event.preventDefault();
    const item = taken.item || null;
    this.drag = {
      ...taken,
      item,
      row,
      x0: x,
      t0: this.timeline.timeAt(x),
      down: event,
      moved: false,
      before: item ? { start_s: item.start_s, end_s: item.end_s } : null,
      ghost: null,
    };
    window.addEventListener("mousemove", this.moveListener);
    window.addEventListener("mouseup", this.upListener);
    window.addEventListener("keydown", this.keyListener, true);
    return true;
  }

  stopListening() {
    window.removeEventListener("mousemove", this.moveListener);
    window.removeEventListener("mouseup", this.upListener);
    window.removeEventListener("keydown", this.keyListener, true);
  }

  // The frame boundary nearest to t.
  snap(t) {
    const k = this.player.frameAt(t);
    const next = k + 1 < this.player.frameCount ? this.player.frameTime(k + 1) : Infinity;
    return next - t < t - this.player.frameTime(k) ? k + 1 : k;
  }

  lastFrame() {
    return this.player.frameCount - 1;
  }

  // On an exclusive tier, the stretch free of the coder's other closed states around [start, end].
  room(tierName, start, end, except) {
    const tier = this.actions.tier(tierName);
    let low = 0;
    let high = this.player.frameTime(this.lastFrame());
    if (!tier?.exclusive) return { low, high };
    for (const a of this.annotations.list()) {
      if (a === except || a.tier !== tierName || !this.actions.isState(a) || this.actions.isOpen(a))
        continue;
      if (a.end_s <= start + 1e-9) low = Math.max(low, a.end_s);
      if (a.start_s >= end - 1e-9) high = Math.min(high, a.start_s);
    }
    return { low, high };
  }

  // Where the drag would put things, with the mouse at x.
  target(x) {
    const d = this.drag;
    const dt = (x - d.x0) / this.timeline.view.pxPerSec;
    const frame = (t) => this.player.frameTime(clamp(this.snap(t), 0, this.lastFrame()));
    const { before, item } = d;
    if (d.edge === "point") {
      const t = frame(before.start_s + dt);
      return { start_s: t, end_s: t };
    }
    if (d.edge === "start") {
      const open = this.actions.isOpen(item);
      const { low } = this.room(item.tier, before.start_s, before.end_s, item);
      const high = open
        ? this.player.frameTime(this.lastFrame())
        : this.player.frameTime(this.player.frameAt(before.end_s) - 1);
      const t = clamp(frame(before.start_s + dt), low, Math.max(low, high));
      return open ? { start_s: t, end_s: t } : { start_s: t, end_s: before.end_s };
    }
    if (d.edge === "end") {
      const { high } = this.room(item.tier, before.start_s, before.end_s, item);
      const low = this.player.frameTime(this.player.frameAt(before.start_s) + 1);
      return {
        start_s: before.start_s,
        end_s: clamp(frame(before.end_s + dt), Math.min(low, high), high),
      };
    }
    const from = frame(d.t0);
    const { low, high } = this.room(d.row.tier, from, from, null);
    const to = clamp(frame(d.t0 + dt), low, high);
    return { start_s: Math.min(from, to), end_s: Math.max(from, to) };
  }

  move(event) {
    const d = this.drag;
    if (!d) return;
    const x = event.clientX - this.timeline.canvas.getBoundingClientRect().left;
    if (!d.moved && Math.abs(x - d.x0) < MOVE_PX) return;
    d.moved = true;
    const where = this.target(x);
    if (d.item) Object.assign(d.item, where);
    else {
      d.ghost = d.ghost || { key: -1, tier: d.row.tier, code: "", pending: 1, open: false };
      Object.assign(d.ghost, where, { code: this.defaultCode(d.row.tier) || "" });
      if (!this.timeline.own.includes(d.ghost)) this.timeline.own.push(d.ghost);
    }
    const k0 = this.player.frameAt(where.start_s);
    const k1 = this.player.frameAt(where.end_s);
    this.timeline.canvas.title =
      k0 === k1
        ? `${formatTime(where.start_s)} (frame ${k0})`
        : `${formatTime(where.start_s)}–${formatTime(where.end_s)} (frames ${k0}–${k1})`;
    this.timeline.draw();
  }

  // Everything back as before the drag.
  cancel() {
    const d = this.drag;
    this.drag = null;
    this.stopListening();
    if (d?.item) Object.assign(d.item, d.before);
    this.dropGhost(d);
    this.timeline.canvas.title = "";
    this.timeline.draw();
  }

  dropGhost(d) {
    if (!d?.ghost) return;
    const at = this.timeline.own.indexOf(d.ghost);
    if (at >= 0) this.timeline.own.splice(at, 1);
  }

  end(event) {
    const d = this.drag;
    if (!d) return;
    if (!d.moved) {
      this.cancel();
      this.timeline.click(d.down); // a press that did not move: select or seek
      return;
    }
    const x = event.clientX - this.timeline.canvas.getBoundingClientRect().left;
    const where = this.target(x);
    this.cancel();
    if (d.item) this.commitMove(d.item, where);
    else this.create(d.row.tier, where, event.shiftKey);
  }

  commitMove(item, where) {
    const changes = {};
    if (where.start_s !== item.start_s) changes.start_s = where.start_s;
    if (where.end_s !== item.end_s) changes.end_s = where.end_s;
    if (!Object.keys(changes).length) return;
    if (!this.actions.isState(item)) {
      const twin = this.annotations
        .list()
        .find(
          (a) =>
            a !== item &&
            a.tier === item.tier &&
            a.code === item.code &&
            a.start_s === where.start_s,
        );
      if (twin)
        return this.notify(`${item.code} is coded at ${formatTime(where.start_s)} already`, "warn");
    }
    this.annotations.action(() => this.annotations.update(item, changes));
    this.actions.select(item);
  }

  // The code a drag on the tier's lane makes: the selected annotation's (on that tier), else the
  // tier's first state code.
  defaultCode(tierName) {
    const states = (this.actions.tier(tierName)?.codes || []).filter((c) => c.type === "state");
    const chosen = this.actions.selected;
    if (chosen && !chosen.removed && chosen.tier === tierName && this.actions.isState(chosen))
      return chosen.code;
    return states[0]?.name || null;
  }

  askCode(tierName) {
    const states = (this.actions.tier(tierName)?.codes || []).filter((c) => c.type === "state");
    const answer = window.prompt(
      `Code of the new state on ${tierName} (${states.map((c) => c.name).join(", ")}):`,
      this.defaultCode(tierName) || "",
    );
    if (answer === null) return null;
    const low = answer.trim().toLowerCase();
    const code = states.find(
      (c) =>
        c.name.toLowerCase() === low ||
        (c.label || "").toLowerCase() === low ||
        c.key === answer.trim(),
    );
    if (!code) {
      this.notify(`'${answer.trim()}' is not a state code of ${tierName}: nothing made`, "warn");
      return null;
    }
    return code.name;
  }

  create(tierName, where, ask) {
    if (where.end_s <= where.start_s)
      return this.notify("drag over at least one frame to make a state", "warn");
    const code = ask ? this.askCode(tierName) : this.defaultCode(tierName);
    if (!code) {
      if (!ask) this.notify(`${tierName} has no state codes: nothing to draw`, "warn");
      return;
    }
    const blocking = this.actions.clash(tierName, where.start_s, where.end_s);
    if (blocking)
      return this.notify(
        `it would overlap ${blocking.code}; states on ${tierName} are exclusive`,
        "warn",
      );
    let made = null;
    this.annotations.action(() => {
      made = this.annotations.add({ tier: tierName, code, ...where, open: false });
    });
    this.actions.select(made);
  }
}
