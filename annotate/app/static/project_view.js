// The project view: every clip with this coder's status and progress and every coder's status,
// a "next clip" button (the first clip this coder has not done, in the project's order), and
// new files seen without a restart (looked for again every few seconds). In a clip: the done
// mark (refused, with the open states named, while a state is not ended) and "next clip".
// Under blinding the server names clips by alias until this coder has marked them done.

import { clipQuery, get, request } from "./api.js";
import { el } from "./format.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 4000;

const percent = (share) => (share === null || share === undefined ? "–" : `${Math.round(share * 100)}%`);

function tiersText(mine) {
  const tiers = Object.entries(mine?.tiers || {});
  return tiers.length ? tiers.map(([tier, n]) => `${tier} ${n}`).join(", ") : "–";
}

function row(clip) {
  const mine = clip.mine;
  const others = (clip.coders || []).map((c) => `${c.coder}: ${c.status}`).join(", ");
  return el(
    "tr",
    { dataset: { key: clip.key, status: clip.status } },
    el(
      "td",
      {},
      el(
        "a",
        { href: `#clip=${encodeURIComponent(clip.key)}`, onclick: () => setTimeout(() => location.reload()) },
        clip.label,
      ),
    ),
    el("td", { class: `clip-status ${clip.status.replace(" ", "-")}` }, clip.status),
    el("td", { class: "clip-tiers" }, clip.problem || tiersText(mine)),
    el("td", { class: "clip-care" }, mine ? `${mine.care_filled}/${mine.care_total}` : "–"),
    el("td", { class: "clip-covered" }, percent(mine?.covered)),
    el("td", { class: "clip-coders" }, others || "–"),
  );
}

// The clips, at once by name (or alias) from the session, then with their statuses.
export function showProject(session) {
  $("chooser").hidden = false;
  // no clip open: its video, lanes, panel and the header's clip buttons stay out of the way
  document.querySelector("main").hidden = true;
  for (const id of ["to-clips", "roles", "keys-open"]) $(id).hidden = true;
  document.querySelector('header [data-action="help"]').hidden = true;
  $("project-blind").hidden = !session.blind;
  const list = $("chooser-list");
  list.replaceChildren(
    ...session.clips.map((key) => row({ key, label: key, status: "…", coders: [] })),
  );
  const next = $("next-clip");
  next.hidden = false;
  next.onclick = () => goNext(null);
  let shown = "";
  const refresh = async () => {
    try {
      const view = await get("/api/project");
      const text = JSON.stringify(view);
      if (text === shown) return; // nothing new: the links stay as they are
      shown = text;
      list.replaceChildren(...view.clips.map(row));
      const done = view.clips.filter((c) => c.status === "done").length;
      $("project-summary").textContent = `${view.clips.length} clip(s), ${done} done by ${view.coder}`;
      next.disabled = !view.next;
      next.title = view.next ? `open ${view.next}` : "every clip is done";
      document.body.dataset.project = "1";
    } catch (error) {
      $("project-summary").textContent = `cannot read the project: ${error.message}`;
    }
  };
  refresh();
  setInterval(refresh, REFRESH_MS);
}

async function goNext(current, notify = () => {}) {
  const view = await get(`/api/project${current ? `?after=${encodeURIComponent(current)}` : ""}`);
  if (!view.next || view.next === current) return notify("no other clip to code: every clip is done", "info");
  location.hash = `clip=${encodeURIComponent(view.next)}`;
}

// In a clip: the done button (mark done / reopen) and "next clip".
export function wireClipStatus({ session, clip, name, annotations }, notify) {
  const button = $("done-clip");
  const next = $("next-clip");
  const show = (done, by, at) => {
    button.dataset.done = done ? "1" : "0";
    button.textContent = done ? "done ✓ (reopen)" : "mark done";
    button.title = done ? `marked done by ${by} (${at}); click to reopen` : "mark this clip done";
  };
  show(clip.done, clip.done_by, clip.done_at);
  button.hidden = false;
  next.hidden = Boolean(session.open_clip);
  button.onclick = async () => {
    button.blur();
    if (annotations.state !== "saved") return notify("wait until every change is saved", "warn");
    const wanted = button.dataset.done !== "1";
    try {
      const answer = await request("PUT", `/api/clip/done${clipQuery(name)}`, { done: wanted });
      show(answer.done, answer.by, answer.at);
      $("clip-name").textContent = answer.title;
      document.title = `annotate · ${answer.title}`;
      notify(answer.done ? "clip marked done" : "clip reopened");
    } catch (error) {
      notify(error.message, "warn", { sticky: true });
    }
  };
  next.onclick = () => {
    next.blur();
    goNext(name, notify).catch((error) => notify(error.message, "warn"));
  };
}
