// Progress of the work the server does for a clip (a playable proxy, feature extraction),
// polled while it runs and shown in a line of its own.

import { clipQuery, get } from "./api.js";

const POLL_MS = 500;
const WHAT = { video: "Making a playable copy of the video", features: "Extracting face features" };

export function showStatus(node, text, level = "") {
  node.hidden = !text;
  node.textContent = text;
  node.className = `status-line ${level}`;
}

export function watchJobs(clip, part, node, whenDone) {
  const poll = async () => {
    let status;
    try {
      status = (await get(`/api/clip/status${clipQuery(clip)}`))[part];
    } catch (error) {
      showStatus(node, `${WHAT[part]}: ${error.message}`, "bad");
      setTimeout(poll, POLL_MS * 4);
      return;
    }
    if (status.state === "done") {
      showStatus(node, "");
      whenDone();
      return;
    }
    if (status.state === "failed") {
      showStatus(node, `${WHAT[part]} failed: ${status.message}`, "bad");
      return;
    }
    const share = Math.round(status.progress * 100);
    showStatus(node, `${WHAT[part]}: ${status.state === "queued" ? "waiting" : `${share}%`}`);
    node.dataset.progress = String(share);
    setTimeout(poll, POLL_MS);
  };
  poll();
}
