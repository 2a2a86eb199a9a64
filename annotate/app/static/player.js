// The video: frames by their own times (the server reads each frame's timestamp, so variable
// frame rates are exact), stepping, jumps, playback rate, a loop of the last few seconds.
// Times shown and coded are the start of the frame on screen: while playing, the frame the
// browser presented (requestVideoFrameCallback's mediaTime), which can differ from currentTime by
// a frame; on a pause the video is snapped (seeked) to that frame, so that the picture, the
// label, the overlays and every code made after the pause agree.

import { bisectRight, clamp } from "./format.js";

const SETTLE_MS = 120;

export const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2];

export class Player {
  constructor(video, clip) {
    this.video = video;
    this.times = clip.frame_times.length ? clip.frame_times : [0];
    this.fps = clip.fps || 25;
    this.loop = null; // {start, end} in seconds
    this.autoPause = 0; // seconds of play before the player pauses by itself (0: off)
    this.pauseAt = null;
    this.listeners = [];
    this.lastShown = -1;
    this.presented = null; // mediaTime of the frame on screen, when the browser reports it
    this.settled = true; // false from a pause until the snap to the shown frame is done
    if (video.requestVideoFrameCallback) {
      const onFrame = (_now, metadata) => {
        this.presented = metadata.mediaTime;
        // A frame presented after the pause came in (it was on its way): follow the picture.
        if (video.paused && !video.seeking) this.align();
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    video.addEventListener("pause", () => this.snap());
    video.addEventListener("play", () => {
      this.pauseAt = this.autoPause > 0 ? video.currentTime + this.autoPause : null;
      this.settled = true;
      document.body.dataset.settled = "0";
    });
    const tick = () => {
      this.checkLoop();
      const t = this.shownTime();
      if (t !== this.lastShown || !this.video.paused) {
        this.lastShown = t;
        for (const listener of this.listeners) listener(t);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  // The time of the picture on screen: while playing, the presented frame's own time.
  shownTime() {
    const t = this.video.currentTime;
    if (this.video.paused || this.presented === null) return t;
    return Math.abs(this.presented - t) < 0.25 ? this.presented : t;
  }

  // Paused: seek into the presented frame when currentTime names another one.
  align() {
    if (this.presented === null || !this.video.paused) return;
    const k = this.frameAt(this.presented);
    if (k !== this.frameAt(this.video.currentTime)) this.video.currentTime = this.middleOf(k);
    this.refresh();
  }

  // After a pause: seek into the frame the browser presented last (the one on screen); a frame
  // composited as the pause came in reports late, and is followed too (see the constructor).
  // Until SETTLE_MS have passed, codes use the presented frame; the body's data-settled says
  // when the snap is done.
  snap() {
    if (this.video.seeking) {
      // the coder moved on already (a step pauses and seeks): nothing to snap to, and the page
      // says it is settled (it never stays unsettled without a timer to end it)
      this.endSnap();
      document.body.dataset.settled = "1";
      return;
    }
    this.settled = false;
    document.body.dataset.settled = "0";
    this.align();
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.align();
      this.settled = true;
      document.body.dataset.settled = "1";
    }, SETTLE_MS);
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
    if (!this.settled && this.presented !== null) return this.frameAt(this.presented);
    return this.frameAt(this.video.currentTime);
  }

  // The start of the frame on screen: the time an annotation made now gets.
  now() {
    return this.frameTime(this.currentFrame());
  }

  // A seek the coder asked for ends the snap after a pause (it moves away from that frame).
  endSnap() {
    clearTimeout(this.settleTimer);
    if (!this.settled) {
      this.settled = true;
      document.body.dataset.settled = "1";
    }
  }

  seekTime(t) {
    this.endSnap();
    this.video.currentTime = clamp(t, 0, this.duration);
  }

  // The middle of frame k, so that rounding cannot show its neighbour.
  middleOf(k) {
    k = clamp(k, 0, this.times.length - 1);
    const start = this.times[k];
    const next = k + 1 < this.times.length ? this.times[k + 1] : start + 1 / this.fps;
    return start + (next - start) / 2;
  }

  seekFrame(k) {
    this.endSnap();
    this.video.currentTime = this.middleOf(k);
  }

  step(frames) {
    const from = this.video.paused ? this.currentFrame() : this.frameAt(this.shownTime());
    this.video.pause();
    this.seekFrame(from + frames);
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
    // Auto-pause (play a few seconds, pause, code, play on): the pause snaps to the frame shown.
    if (this.pauseAt !== null && !this.video.paused && this.video.currentTime >= this.pauseAt) {
      this.pauseAt = null;
      this.video.pause();
    }
  }

  setAutoPause(seconds) {
    this.autoPause = Math.max(0, Number(seconds) || 0);
    this.pauseAt = null;
  }
}
