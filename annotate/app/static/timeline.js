// The timeline under the video: a ruler, one lane per tier of the scheme (the coder's
// annotations, first, so that they are in sight on a small screen) with read-only lanes of a
// second coder, then the automatic lanes (the sound's level, drawn by waveform.js, and the
// episode lanes) in a group that folds away (click its label or Shift+A; remembered in the
// browser); a playhead,
// zoom (keys, Ctrl+wheel), scrolling (wheel) and click to seek or to select an annotation.

import { clamp, formatTime } from "./format.js";

const LABEL_W = 170;
const RULER_H = 20;
const EPISODE_H = 13;
const TIER_H = 24;
const OTHER_H = 15;
const GAP = 3;
const GROUP_H = 16;
const SOUND_H = 26;
const UNSAVED = "rgba(255,255,255,0.85)";
const OPEN_COLOUR = "#ffb300";
const FOLDED_KEY = "annotate.automaticFolded";

export class Timeline {
  constructor(canvas, { scheme, player, actions }) {
    this.canvas = canvas;
    this.scheme = scheme;
    this.player = player;
    this.actions = actions;
    this.episodes = [];
    this.sound = null; // the energy lane (waveform.js), once the clip's sound is known
    this.own = [];
    this.other = { coder: null, items: [] };
    this.view = { start: 0, pxPerSec: 0 };
    this.rows = [];
    this.folded = readFolded();
    this.onSeek = () => {};
    this.onPress = () => false; // mouse editing (drag.js): true when it takes the press
    canvas.addEventListener("mousedown", (event) => this.onPress(event) || this.click(event));
    canvas.addEventListener("wheel", (event) => this.wheel(event), { passive: false });
    new ResizeObserver(() => this.draw()).observe(canvas.parentElement);
    this.layout();
  }

  setEpisodes(lanes) {
    this.episodes = lanes || [];
    this.layout();
  }

  setOther(coder, items) {
    this.other = { coder, items: items || [] };
    this.layout();
  }

  colour(tierName, codeName) {
    const tier = this.scheme.tiers.find((t) => t.name === tierName);
    return tier?.codes.find((c) => c.name === codeName)?.colour || "#9e9e9e";
  }

  layout() {
    const rows = [{ kind: "ruler", y: 0, h: RULER_H }];
    let y = RULER_H + GAP;
    const push = (row, h) => {
      rows.push({ ...row, y, h });
      y += h + GAP;
    };
    for (const tier of this.scheme.tiers) {
      push({ kind: "tier", tier: tier.name, label: tier.name }, TIER_H);
      if (this.other.coder)
        push(
          { kind: "other", tier: tier.name, label: `${this.other.coder}: ${tier.name}` },
          OTHER_H,
        );
    }
    if (this.episodes.length || this.sound) {
      const sign = this.folded ? "▸" : "▾";
      const label = `${sign} automatic lanes (${this.episodes.length})`;
      push({ kind: "group", label }, GROUP_H);
      if (!this.folded && this.sound) push({ kind: "sound", label: "sound level" }, SOUND_H);
      if (!this.folded)
        for (const lane of this.episodes)
          push({ kind: "episode", lane, label: lane.label }, EPISODE_H);
    }
    this.rows = rows;
    this.height = y;
    this.draw();
  }

  // Fold or unfold the automatic lanes (remembered in this browser).
  toggleAutomatic() {
    this.folded = !this.folded;
    try {
      localStorage.setItem(FOLDED_KEY, this.folded ? "1" : "0");
    } catch {
      // storage refused (private mode): the fold lasts for this page only
    }
    this.layout();
    return this.folded;
  }

  get dataWidth() {
    return Math.max(50, this.canvas.parentElement.clientWidth - LABEL_W - 8);
  }

  fit() {
    this.view.pxPerSec = this.dataWidth / Math.max(this.player.duration, 1);
    this.view.start = 0;
    this.draw();
  }

  zoom(factor, around = this.player.video.currentTime) {
    const fitPx = this.dataWidth / Math.max(this.player.duration, 1);
    const before = this.xOf(around);
    this.view.pxPerSec = clamp(this.view.pxPerSec * factor, fitPx, 2000);
    this.view.start = around - (before - LABEL_W) / this.view.pxPerSec;
    this.clampView();
    this.draw();
  }

  clampView() {
    const span = this.dataWidth / this.view.pxPerSec;
    this.view.start = clamp(this.view.start, 0, Math.max(0, this.player.duration - span));
  }

  xOf(t) {
    return LABEL_W + (t - this.view.start) * this.view.pxPerSec;
  }

  timeAt(x) {
    return this.view.start + (x - LABEL_W) / this.view.pxPerSec;
  }

  rowOf(kind, tier) {
    return this.rows.find((r) => r.kind === kind && r.tier === tier);
  }

  // Keep the playhead in view when it moves (not when the coder scrolled and it stands still).
  follow(t) {
    if (t === this.followed) return;
    this.followed = t;
    const span = this.dataWidth / this.view.pxPerSec;
    if (t < this.view.start || t > this.view.start + span) {
      this.view.start = t - span * 0.1;
      this.clampView();
    }
  }

  click(event) {
    const box = this.canvas.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    const group = this.rows.find((r) => r.kind === "group" && y >= r.y && y < r.y + r.h);
    if (group) return this.toggleAutomatic();
    if (x < LABEL_W) return;
    const t = clamp(this.timeAt(x), 0, this.player.duration);
    const row = this.rows.find((r) => y >= r.y && y < r.y + r.h);
    if (row && row.kind === "tier") {
      const hit = this.hit(row.tier, t, x, (y - row.y - 2) / (row.h - 4));
      if (hit) {
        this.actions.select(hit);
        this.draw();
        return;
      }
    }
    this.onSeek(t);
  }

  // The annotation under a click at time t, `depth` (0-1) down the lane: of overlapping states,
  // the one in the sub-row clicked.
  hit(tier, t, x, depth = 0) {
    const slack = 4 / this.view.pxPerSec;
    const now = this.player.video.currentTime;
    const items = this.own.filter((a) => a.tier === tier);
    const { level, levels } = this.stack(items, now);
    const under = items.filter((a) => {
      const end = this.actions.isOpen(a) ? Math.max(now, a.start_s) : a.end_s;
      return t >= a.start_s - slack && t <= end + slack;
    });
    const row = Math.min(levels - 1, Math.max(0, Math.floor(depth * levels)));
    return (
      under.find((a) => !this.actions.isState(a)) ||
      under.find((a) => (level.get(a) || 0) === row) ||
      under[0]
    );
  }

  wheel(event) {
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) {
      const box = this.canvas.getBoundingClientRect();
      this.zoom(event.deltaY < 0 ? 1.25 : 0.8, this.timeAt(event.clientX - box.left));
      return;
    }
    const delta = Math.abs(event.deltaX) > Math.abs(event.deltaY) ? event.deltaX : event.deltaY;
    this.view.start += delta / this.view.pxPerSec;
    this.clampView();
    this.draw();
  }

  draw(t = this.player.video.currentTime) {
    if (!this.view.pxPerSec) return;
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.parentElement.clientWidth;
    const height = this.height || RULER_H;
    if (
      this.canvas.width !== Math.round(width * ratio) ||
      this.canvas.height !== Math.round(height * ratio)
    ) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${height}px`;
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(LABEL_W, 0, width - LABEL_W, height);
    ctx.clip();
    this.drawLoop(ctx, height);
    for (const row of this.rows) this.drawRow(ctx, row, t);
    this.drawPlayhead(ctx, t, height);
    ctx.restore();
    this.drawLabels(ctx);
  }

  drawRow(ctx, row, t) {
    if (row.kind === "ruler") return this.drawRuler(ctx, row);
    if (row.kind === "group") {
      ctx.fillStyle = "#15181d";
      ctx.fillRect(LABEL_W, row.y, this.dataWidth + 8, row.h);
      ctx.fillStyle = "#2c323b";
      ctx.fillRect(LABEL_W, row.y + row.h / 2, this.dataWidth + 8, 1);
      return;
    }
    ctx.fillStyle = row.kind === "tier" ? "#262b33" : "#1d2127";
    ctx.fillRect(LABEL_W, row.y, this.dataWidth + 8, row.h);
    if (row.kind === "sound") this.sound.drawLane(ctx, row, LABEL_W + this.dataWidth + 8);
    else if (row.kind === "episode") {
      ctx.fillStyle = episodeColour(row.lane.kind);
      for (const [s, e] of row.lane.intervals) this.bar(ctx, s, e, row.y + 2, row.h - 4);
    } else if (row.kind === "tier") {
      const items = this.own.filter((x) => x.tier === row.tier);
      const { level, levels } = this.stack(items, t);
      for (const a of items) this.drawAnnotation(ctx, a, row, t, level.get(a) || 0, levels);
    } else {
      ctx.globalAlpha = 0.55;
      for (const a of this.other.items.filter((x) => x.tier === row.tier)) {
        ctx.fillStyle = this.colour(a.tier, a.code);
        if (a.end_s > a.start_s) this.bar(ctx, a.start_s, a.end_s, row.y + 2, row.h - 4);
        else this.point(ctx, a.start_s, row.y + 2, row.h - 4);
      }
      ctx.globalAlpha = 1;
    }
  }

  bar(ctx, s, e, y, h) {
    const x0 = this.xOf(s);
    ctx.fillRect(x0, y, Math.max(this.xOf(e) - x0, 1.5), h);
  }

  point(ctx, s, y, h) {
    const x = this.xOf(s);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 5, y + h / 2);
    ctx.lineTo(x, y + h);
    ctx.lineTo(x - 5, y + h / 2);
    ctx.closePath();
    ctx.fill();
  }

  // Overlapping states of a tier (a tier that is not exclusive) share its lane in sub-rows,
  // each state in the first sub-row free at its start; points keep the whole height.
  stack(items, t) {
    const level = new Map();
    const ends = [];
    const states = items
      .filter((a) => this.actions.isState(a))
      .sort((a, b) => a.start_s - b.start_s || a.key - b.key);
    for (const a of states) {
      const end = this.actions.isOpen(a) ? Math.max(t, a.start_s) : a.end_s;
      let k = ends.findIndex((e) => e <= a.start_s);
      if (k < 0) k = ends.length;
      ends[k] = Math.max(end, a.start_s + 1e-9);
      level.set(a, k);
    }
    return { level, levels: Math.max(1, ends.length) };
  }

  drawAnnotation(ctx, a, row, t, level = 0, levels = 1) {
    const open = this.actions.isOpen(a);
    const state = this.actions.isState(a);
    const end = open ? Math.max(t, a.start_s) : a.end_s;
    const full = row.h - 4;
    const h = state ? full / levels : full;
    const y = row.y + 2 + (state ? level * h : 0);
    ctx.fillStyle = this.colour(a.tier, a.code);
    ctx.globalAlpha = a.pending ? 0.5 : 1;
    if (state) this.bar(ctx, a.start_s, end, y, h);
    else this.point(ctx, a.start_s, y, h);
    ctx.globalAlpha = 1;
    const x0 = this.xOf(a.start_s) - (state ? 0 : 5);
    const w = state ? Math.max(this.xOf(end) - this.xOf(a.start_s), 1.5) : 10;
    if (a.pending) {
      ctx.setLineDash([3, 2]);
      ctx.strokeStyle = UNSAVED;
      ctx.lineWidth = 1;
      ctx.strokeRect(x0 + 0.5, y + 0.5, w - 1, h - 1);
      ctx.setLineDash([]);
    }
    if (open) {
      // Open (started, not ended): an amber outline and an arrow at the playhead.
      ctx.strokeStyle = OPEN_COLOUR;
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(x0 + 1, y + 1, Math.max(w - 2, 2), h - 2);
      ctx.setLineDash([]);
      ctx.fillStyle = OPEN_COLOUR;
      ctx.font = "11px sans-serif";
      ctx.fillText("▶ open", this.xOf(end) + 3, y + h - 6);
    }
    if (a === this.actions.selected) {
      ctx.strokeStyle = "#ffffff";
      ctx.lineWidth = 2;
      ctx.strokeRect(x0 - 1, y - 1, w + 2, h + 2);
    }
    if (state && w > 40 && h >= 12) {
      ctx.fillStyle = "#000";
      ctx.font = "11px sans-serif";
      ctx.fillText(a.code, x0 + 3, y + h - 6, w - 6);
    }
  }

  drawRuler(ctx, row) {
    ctx.fillStyle = "#15181d";
    ctx.fillRect(LABEL_W, row.y, this.dataWidth + 8, row.h);
    const span = this.dataWidth / this.view.pxPerSec;
    const step =
      [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120].find((s) => s * this.view.pxPerSec >= 70) ||
      300;
    ctx.strokeStyle = "#555";
    ctx.fillStyle = "#aaa";
    ctx.font = "10px sans-serif";
    for (let s = Math.ceil(this.view.start / step) * step; s <= this.view.start + span; s += step) {
      const x = this.xOf(s);
      ctx.beginPath();
      ctx.moveTo(x, row.h - 6);
      ctx.lineTo(x, row.h);
      ctx.stroke();
      ctx.fillText(formatTime(s).replace(/\.?0+$/, ""), x + 2, 11);
    }
  }

  drawLoop(ctx, height) {
    const loop = this.player.loop;
    if (!loop) return;
    ctx.fillStyle = "rgba(255, 235, 59, 0.12)";
    this.bar(ctx, loop.start, loop.end, 0, height);
  }

  drawPlayhead(ctx, t, height) {
    const x = this.xOf(t);
    ctx.strokeStyle = "#ff5252";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height);
    ctx.stroke();
  }

  drawLabels(ctx) {
    ctx.font = "11px sans-serif";
    for (const row of this.rows) {
      if (row.kind === "ruler") continue;
      ctx.fillStyle = row.kind === "tier" ? "#e0e0e0" : row.kind === "group" ? "#64b5f6" : "#9aa0a6";
      ctx.fillText(row.label, 6, row.y + row.h - (row.kind === "tier" ? 8 : 3), LABEL_W - 10);
    }
  }
}

function readFolded() {
  try {
    return localStorage.getItem(FOLDED_KEY) === "1";
  } catch {
    return false;
  }
}

function episodeColour(kind) {
  return (
    {
      mutual_gaze: "#e53935",
      infant_gaze_aversion: "#fb8c00",
      gaze_unknown: "#b39ddb",
      visible: "#607d8b",
      looking_at_partner: "#26a69a",
      smile: "#fdd835",
      vocalisation: "#8d6e63",
      cry: "#ec407a",
      overlap: "#90a4ae",
      singing_hint: "#c0ca33",
    }[kind] || "#9e9e9e"
  );
}
