// The J/K/L shuttle of video editors and ELAN: L plays forward, pressed again 2x then 4x; J plays
// backward the same way; K stops (the pause snaps to the frame shown, as every pause does) and
// gives the rate back; K held with J or L steps one frame back or forward.
// An HTML video cannot play backward: J steps back by seeking, each seek as far back as the
// wall-clock time since the last one times the rate, so it runs at the rate the seeks allow.
// The body's data-shuttle says the state: 0 stopped, 1/2/4 forward, -1/-2/-4 backward.

const MAX_SPEED = 4;
const BACK_STEP_MS = 40; // at most 25 seeks a second backward

export class Shuttle {
  constructor(player, onChange = () => {}) {
    this.player = player;
    this.video = player.video;
    this.onChange = onChange;
    this.direction = 0; // -1 backward, 0 stopped, 1 forward
    this.speed = 1;
    this.rate = null; // the playback rate from before the shuttle ran, given back on K
    this.held = null; // the key that holds K down (its own key, after a coder's remap)
    this.reverse = null; // the running backward loop's token
    this.video.addEventListener("play", () => {
      if (this.direction < 0) this.stopBackward();
    });
    this.video.addEventListener("pause", () => {
      if (this.direction > 0) this.stopped();
    });
    document.addEventListener("keyup", (event) => {
      if (this.held && event.key.toLowerCase() === this.held) this.held = null;
    });
    window.addEventListener("blur", () => {
      this.held = null;
    });
    this.show();
  }

  handlers() {
    return {
      shuttleBack: (e) => this.backward(e),
      shuttlePause: (e) => this.pause(e),
      shuttleForward: (e) => this.forward(e),
    };
  }

  remember() {
    if (this.direction === 0 && this.rate === null) this.rate = this.video.playbackRate;
  }

  forward(event) {
    if (event?.repeat) return;
    if (this.held) return this.player.step(1);
    if (this.direction > 0 && !this.video.paused) this.speed = Math.min(this.speed * 2, MAX_SPEED);
    else {
      this.stopBackward();
      this.remember();
      this.speed = 1;
    }
    this.direction = 1;
    this.video.playbackRate = this.speed;
    if (this.video.paused) this.video.play().catch(() => {});
    this.show();
  }

  backward(event) {
    if (event?.repeat) return;
    if (this.held) return this.player.step(-1);
    if (this.direction < 0) this.speed = Math.min(this.speed * 2, MAX_SPEED);
    else {
      this.remember();
      this.speed = 1;
      this.direction = -1;
      if (!this.video.paused) this.video.pause();
      this.startBackward();
    }
    this.show();
  }

  pause(event) {
    this.held = ((event?.original || event)?.key || "k").toLowerCase();
    if (event?.repeat) return;
    const wasBackward = this.direction < 0;
    this.stopBackward();
    if (!this.video.paused) this.video.pause();
    else if (wasBackward) this.player.seekFrame(this.player.frameAt(this.video.currentTime));
    this.stopped();
  }

  stopped() {
    this.direction = 0;
    this.speed = 1;
    if (this.rate !== null) this.video.playbackRate = this.rate;
    this.rate = null;
    this.show();
  }

  startBackward() {
    const token = {};
    this.reverse = token;
    let last = performance.now();
    const step = () => {
      if (this.reverse !== token) return;
      const now = performance.now();
      const target = this.video.currentTime - ((now - last) / 1000) * this.speed;
      last = now;
      if (target <= 0) {
        this.reverse = null;
        this.player.seekFrame(0);
        this.stopped();
        return;
      }
      this.player.seekTime(target);
      const next = () => setTimeout(() => requestAnimationFrame(step), BACK_STEP_MS);
      if (this.video.seeking) this.video.addEventListener("seeked", next, { once: true });
      else next();
    };
    requestAnimationFrame(step);
  }

  stopBackward() {
    if (this.direction < 0) this.direction = 0;
    this.reverse = null;
  }

  show() {
    const state = this.direction * (this.direction ? this.speed : 0);
    document.body.dataset.shuttle = String(state);
    this.onChange(state);
  }
}
