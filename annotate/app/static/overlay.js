// The face features drawn over the video, as annotate/overlay.py draws them into overlay.mp4:
// boxes with role labels, head direction (yellow), gaze (cyan), a red line for mutual gaze.
// Each frame shows the latest sampled frame's features. Each layer is toggled on its own.

import { bisectRight } from "./format.js";

const ROLE_COLOURS = { mother: "rgb(255,90,200)", infant: "rgb(80,200,255)" };
const OTHER_COLOUR = "rgb(230,230,230)";
const HEAD_COLOUR = "rgb(255,220,0)";
const GAZE_COLOUR = "rgb(0,255,255)";
const MUTUAL_COLOUR = "rgb(255,40,40)";

export const LAYERS = {
  boxes: "face boxes and roles",
  head: "head direction",
  gaze: "gaze",
  mutual: "mutual gaze",
};

export class Overlay {
  constructor(canvas, video) {
    this.canvas = canvas;
    this.video = video;
    this.features = null;
    this.shown = { boxes: true, head: true, gaze: true, mutual: true };
    this.drawnAt = null;
  }

  setFeatures(features) {
    this.features = features;
    this.drawnAt = null;
  }

  toggle(layer) {
    this.shown[layer] = !this.shown[layer];
    this.drawnAt = null;
    return this.shown[layer];
  }

  // Where the picture lies inside the <video> element (letterboxed), in CSS pixels.
  pictureBox() {
    const w = this.video.clientWidth;
    const h = this.video.clientHeight;
    const vw = this.video.videoWidth || w;
    const vh = this.video.videoHeight || h;
    const scale = Math.min(w / vw, h / vh);
    return { x: (w - vw * scale) / 2, y: (h - vh * scale) / 2, w: vw * scale, h: vh * scale };
  }

  fit() {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.round(this.video.clientWidth * ratio);
    const h = Math.round(this.video.clientHeight * ratio);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.drawnAt = null;
    }
    return ratio;
  }

  draw(t) {
    const ratio = this.fit();
    const k = this.features ? bisectRight(this.features.t, t) : -1;
    // the picture's size too: features drawn before the video's own size was known (the whole
    // element taken for the picture) are drawn again once it is
    const key = `${k} ${this.video.videoWidth}x${this.video.videoHeight}`;
    if (key === this.drawnAt) return;
    this.drawnAt = key;
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (k < 0) return;
    const box = this.pictureBox();
    ctx.setTransform(ratio, 0, 0, ratio, box.x * ratio, box.y * ratio);
    const centres = {};
    const mutual = [];
    for (const track of this.features.roles) {
      if (!track.visible[k]) continue;
      const face = this.face(track, k, box);
      centres[track.role] = face.centre;
      if (track.mutual[k]) mutual.push(track.role);
      this.drawFace(ctx, track.role, face);
    }
    if (this.shown.mutual && mutual.length >= 2)
      this.drawMutual(ctx, centres[mutual[0]], centres[mutual[1]]);
  }

  face(track, k, box) {
    const v = (name) => (track[name] ? track[name][k] : null);
    const x0 = v("x") * box.w;
    const y0 = v("y") * box.h;
    const x1 = (v("x") + v("w")) * box.w;
    const y1 = (v("y") + v("h")) * box.h;
    return {
      x0,
      y0,
      x1,
      y1,
      centre: [(x0 + x1) / 2, (y0 + y1) / 2],
      length: Math.max(x1 - x0, y1 - y0),
      yaw: v("yaw"),
      pitch: v("pitch"),
      eyes: v("eyes_x") === null ? null : [v("eyes_x") * box.w, v("eyes_y") * box.h],
      gaze: v("gaze_dx") === null ? null : [v("gaze_dx"), v("gaze_dy")],
    };
  }

  drawFace(ctx, role, face) {
    const colour = ROLE_COLOURS[role] || OTHER_COLOUR;
    const width = Math.max(1.5, face.length / 60);
    if (this.shown.boxes) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.strokeRect(face.x0, face.y0, face.x1 - face.x0, face.y1 - face.y0);
      ctx.fillStyle = colour;
      ctx.font = "12px sans-serif";
      const yaw =
        face.yaw === null ? "" : ` yaw ${face.yaw >= 0 ? "+" : ""}${Math.round(face.yaw)}`;
      ctx.fillText(`${role}${yaw}`, face.x0, Math.max(face.y0 - 4, 12));
    }
    if (this.shown.head && face.yaw !== null && face.pitch !== null) {
      const yaw = (face.yaw * Math.PI) / 180;
      const pitch = (face.pitch * Math.PI) / 180;
      const [cx, cy] = face.centre;
      const dx = Math.sin(yaw) * Math.cos(pitch) * face.length;
      const dy = -Math.sin(pitch) * face.length;
      arrow(ctx, cx, cy, cx + dx, cy + dy, HEAD_COLOUR, width);
    }
    if (this.shown.gaze && face.eyes && face.gaze) {
      const [ex, ey] = face.eyes;
      const reach = 1.5 * face.length;
      arrow(ctx, ex, ey, ex + face.gaze[0] * reach, ey + face.gaze[1] * reach, GAZE_COLOUR, width);
    }
  }

  drawMutual(ctx, a, b) {
    if (!a || !b) return;
    ctx.strokeStyle = MUTUAL_COLOUR;
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
    ctx.fillStyle = MUTUAL_COLOUR;
    ctx.font = "bold 13px sans-serif";
    ctx.fillText("MUTUAL GAZE", (a[0] + b[0]) / 2 - 45, (a[1] + b[1]) / 2 - 8);
  }
}

function arrow(ctx, x0, y0, x1, y1, colour, width) {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const head = Math.max(6, Math.hypot(x1 - x0, y1 - y0) * 0.2);
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle - 0.4), y1 - head * Math.sin(angle - 0.4));
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - head * Math.cos(angle + 0.4), y1 - head * Math.sin(angle + 0.4));
  ctx.stroke();
}
