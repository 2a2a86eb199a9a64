// The clip's sound above the timeline: an energy lane (the level of the sound, step by step,
// from GET /api/clip/sound), on the timeline's time axis (it follows its zoom and scrolling;
// a click seeks). A clip without sound says "no sound"; the vocal lanes themselves come with
// the automatic lanes.

import { clipQuery, get } from "./api.js";

const HEIGHT = 34;
const COLOUR = "#8bc34a";
const BACKGROUND = "#1d2127";

export class Waveform {
  constructor(timeline, clipName) {
    this.timeline = timeline;
    this.clipName = clipName;
    this.levels = null; // dB per step
    this.step = 0;
    this.state = "loading";
    this.box = document.createElement("div");
    this.box.id = "waveform-box";
    this.box.style.cssText = "position:relative;line-height:0";
    this.canvas = document.createElement("canvas");
    this.canvas.id = "waveform";
    this.canvas.style.cssText = `display:block;height:${HEIGHT}px`;
    this.note = document.createElement("span");
    this.note.id = "waveform-note";
    this.note.style.cssText =
      "position:absolute;left:180px;top:9px;line-height:16px;font-size:12px;color:#9aa3ad";
    this.box.append(this.canvas, this.note);
    const scroll = timeline.canvas.parentElement;
    scroll.parentElement.insertBefore(this.box, scroll);
    this.canvas.addEventListener("mousedown", (event) => this.click(event));
    // drawn after the timeline, on its axis, whenever it is drawn
    const draw = timeline.draw.bind(timeline);
    timeline.draw = (...args) => {
      draw(...args);
      this.draw();
    };
  }

  async load() {
    try {
      const answer = await get(`/api/clip/sound${clipQuery(this.clipName)}`);
      this.state = answer.sound;
      if (answer.sound === "read") {
        const bytes = Uint8Array.from(atob(answer.levels), (c) => c.charCodeAt(0));
        this.levels = Float32Array.from(bytes, (b) => answer.db_min * (1 - b / 255));
        this.step = answer.step_s;
        this.note.textContent = "";
      } else this.note.textContent = answer.message || "no sound";
    } catch (error) {
      this.state = "unreadable";
      this.note.textContent = `sound not shown: ${error.message}`;
    }
    this.canvas.dataset.sound = this.state;
    this.scale = this.levels ? range(this.levels) : null;
    this.draw();
  }

  // The level (dB) at time t, or null where there is none.
  levelAt(t) {
    if (!this.levels) return null;
    const k = Math.floor(t / this.step);
    return k >= 0 && k < this.levels.length ? this.levels[k] : null;
  }

  click(event) {
    const tl = this.timeline;
    const x = event.clientX - this.canvas.getBoundingClientRect().left;
    if (x < tl.xOf(tl.view.start) || !tl.view.pxPerSec) return;
    tl.onSeek(Math.min(Math.max(tl.timeAt(x), 0), tl.player.duration));
  }

  draw() {
    const tl = this.timeline;
    const ratio = window.devicePixelRatio || 1;
    const width = tl.canvas.clientWidth || tl.canvas.parentElement.clientWidth;
    if (this.canvas.width !== Math.round(width * ratio)) {
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(HEIGHT * ratio);
      this.canvas.style.width = `${width}px`;
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const left = tl.view.pxPerSec ? tl.xOf(tl.view.start) : 170;
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(left, 0, width - left, HEIGHT);
    ctx.fillStyle = "#c9d1d9";
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillText("sound level", 6, HEIGHT / 2 + 4, left - 10);
    if (!this.levels || !tl.view.pxPerSec) return;
    const { floor, top } = this.scale;
    ctx.fillStyle = COLOUR;
    const middle = HEIGHT / 2;
    for (let x = Math.floor(left); x < width; x += 1) {
      const a = Math.max(0, Math.floor(tl.timeAt(x) / this.step));
      const b = Math.min(this.levels.length, Math.ceil(tl.timeAt(x + 1) / this.step));
      let loudest = -Infinity;
      for (let k = a; k < Math.max(b, a + 1) && k < this.levels.length; k += 1)
        loudest = Math.max(loudest, this.levels[k]);
      if (loudest === -Infinity) continue;
      const share = Math.min(1, Math.max(0, (loudest - floor) / (top - floor)));
      const half = Math.max(0.5, share * (middle - 2));
      ctx.fillRect(x, middle - half, 1, 2 * half);
    }
    const playhead = tl.xOf(tl.player.video.currentTime);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(Math.round(playhead), 0, 1, HEIGHT);
  }
}

// The lane's scale: from the clip's noise floor (its 10th percentile) to its loudest step.
function range(levels) {
  const sorted = Float32Array.from(levels).sort();
  const floor = sorted[Math.floor(sorted.length * 0.1)] ?? -90;
  const top = sorted[sorted.length - 1] ?? 0;
  return { floor, top: Math.max(top, floor + 6) };
}
