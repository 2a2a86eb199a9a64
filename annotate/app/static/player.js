// The video: frames by their own times (the server reads each frame's timestamp, so variable
// frame rates are exact), stepping, jumps, playback rate, a loop of the last few seconds.
// Times shown and coded are the start of the frame on screen.

import { bisectRight, clamp } from "./format.js";

export const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];

export class Player {
  constructor(video, clip) {
    this.video = video;
    this.times = clip.frame_times.length ? clip.frame_times : [0];
    this.fps = clip.fps || 25;
    this.loop = null; // {start, end} in seconds
    this.listeners = [];
    this.lastShown = -1;
    const tick = () => {
      this.checkLoop();
      const t = this.video.currentTime;
      if (t !== this.lastShown || !this.video.paused) {
        this.lastShown = t;
        for (const listener of this.listeners) listener(t);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  onTick(listener) {
    this.listeners.push(listener);
  }

  // Draw again on the next animation frame although the time did not change.
  refresh() {
    this.lastShown = -1;
  }

  get frameCount() {
    return this.times.length;
  }

  get duration() {
    const last = this.times[this.times.length - 1] + 1 / this.fps;
    return Number.isFinite(this.video.duration) ? Math.max(this.video.duration, last) : last;
  }

  frameAt(t) {
    return clamp(bisectRight(this.times, t + 1e-6), 0, this.times.length - 1);
  }

  frameTime(k) {
    return this.times[clamp(k, 0, this.times.length - 1)];
  }

  currentFrame() {
    return this.frameAt(this.video.currentTime);
  }

  // The start of the frame on screen: the time an annotation made now gets.
  now() {
    return this.frameTime(this.currentFrame());
  }

  seekTime(t) {
    this.video.currentTime = clamp(t, 0, this.duration);
  }

  // Seek into the middle of frame k, so that rounding cannot show its neighbour.
  seekFrame(k) {
    k = clamp(k, 0, this.times.length - 1);
    const start = this.times[k];
    const next = k + 1 < this.times.length ? this.times[k + 1] : start + 1 / this.fps;
    this.video.currentTime = start + (next - start) / 2;
  }

  step(frames) {
    this.video.pause();
    this.seekFrame(this.currentFrame() + frames);
  }

  jump(seconds) {
    const target = this.video.currentTime + seconds;
    if (this.video.paused) this.seekFrame(this.frameAt(clamp(target, 0, this.duration)));
    else this.seekTime(target);
  }

  togglePlay() {
    if (this.video.paused) this.video.play().catch(() => {});
    else this.video.pause();
  }

  setRate(rate) {
    this.video.playbackRate = clamp(rate, RATES[0], RATES[RATES.length - 1]);
  }

  changeRate(direction) {
    const index = RATES.indexOf(this.video.playbackRate);
    const at = index < 0 ? RATES.indexOf(1) : index;
    this.setRate(RATES[clamp(at + direction, 0, RATES.length - 1)]);
  }

  toggleLoop(seconds) {
    if (this.loop) {
      this.loop = null;
      return null;
    }
    const end = Math.max(this.video.currentTime, Math.min(seconds, this.duration));
    this.loop = { start: Math.max(0, end - seconds), end };
    this.seekTime(this.loop.start);
    this.video.play().catch(() => {});
    return this.loop;
  }

  checkLoop() {
    if (this.loop && this.video.currentTime >= this.loop.end) this.seekTime(this.loop.start);
  }
}
