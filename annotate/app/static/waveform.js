// The clip's sound on the timeline: an energy lane (the level of the sound, step by step, from
// GET /api/clip/sound), the first of the automatic lanes; the timeline draws it in its row (on
// its time axis: zoom, scrolling and a click to seek are the timeline's). A clip without sound
// says "no sound" in the lane and beside the timeline's tools. The vocal lanes themselves come
// with the other automatic lanes (GET /api/clip/features).

import { clipQuery, get } from "./api.js";

const COLOUR = "#8bc34a";
const TEXT = "#9aa3ad";

export class Waveform {
  constructor(timeline, clipName) {
    this.timeline = timeline;
    this.clipName = clipName;
    this.levels = null; // dB per step
    this.step = 0;
    this.state = "loading";
    this.message = "";
    this.note = document.createElement("span");
    this.note.id = "sound-note";
    this.note.dataset.sound = "loading";
    document.getElementById("timeline-tools")?.append(this.note);
  }

  async load() {
    try {
      const answer = await get(`/api/clip/sound${clipQuery(this.clipName)}`);
      this.state = answer.sound;
      if (answer.sound === "read") {
        const bytes = Uint8Array.from(atob(answer.levels), (c) => c.charCodeAt(0));
        this.levels = Float32Array.from(bytes, (b) => answer.db_min * (1 - b / 255));
        this.step = answer.step_s;
        this.scale = range(this.levels);
      } else this.message = answer.message || "no sound";
    } catch (error) {
      this.state = "unreadable";
      this.message = `sound not shown: ${error.message}`;
    }
    this.note.textContent = this.message;
    this.note.dataset.sound = this.state;
    this.timeline.sound = this;
    this.timeline.layout();
  }

  // The level (dB) at time t, or null where there is none.
  levelAt(t) {
    if (!this.levels) return null;
    const k = Math.floor(t / this.step);
    return k >= 0 && k < this.levels.length ? this.levels[k] : null;
  }

  // Draw the lane into the timeline's row (its background is drawn), up to x = right.
  drawLane(ctx, row, right) {
    const tl = this.timeline;
    const left = tl.xOf(tl.view.start);
    if (!this.levels) {
      ctx.fillStyle = TEXT;
      ctx.font = "11px sans-serif";
      ctx.fillText(this.message, left + 8, row.y + row.h / 2 + 4);
      return;
    }
    const { floor, top } = this.scale;
    const middle = row.y + row.h / 2;
    ctx.fillStyle = COLOUR;
    for (let x = Math.floor(left); x < right; x += 1) {
      const a = Math.max(0, Math.floor(tl.timeAt(x) / this.step));
      const b = Math.min(this.levels.length, Math.ceil(tl.timeAt(x + 1) / this.step));
      let loudest = -Infinity;
      for (let k = a; k < Math.max(b, a + 1) && k < this.levels.length; k += 1)
        loudest = Math.max(loudest, this.levels[k]);
      if (loudest === -Infinity) continue;
      const share = Math.min(1, Math.max(0, (loudest - floor) / (top - floor)));
      const half = Math.max(0.5, share * (row.h / 2 - 2));
      ctx.fillRect(x, middle - half, 1, 2 * half);
    }
  }
}

// The lane's scale: from the clip's noise floor (its 10th percentile) to its loudest step.
function range(levels) {
  const sorted = Float32Array.from(levels).sort();
  const floor = sorted[Math.floor(sorted.length * 0.1)] ?? -90;
  const top = sorted[sorted.length - 1] ?? 0;
  return { floor, top: Math.max(top, floor + 6) };
}
