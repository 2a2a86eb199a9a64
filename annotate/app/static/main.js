// The page: load the session, open a clip (or let the coder choose one), and wire the video,
// overlays, timeline, coding keys, side panel and CARE-Index sheet together.

import { Actions } from "./actions.js";
import { Annotations } from "./annotations.js";
import { ClipAttributes } from "./attributes.js";
import { clipQuery, get, request } from "./api.js";
import { CareSheet } from "./care.js";
import { wireConsensus } from "./consensus.js";
import { el, formatTime, parseTarget } from "./format.js";
import { Importer } from "./import.js";
import { Keyboard } from "./keys.js";
import { BINDINGS, Keymap, shownChord, wireKeymap } from "./keymap.js";
import { Overlay } from "./overlay.js";
import { Panel } from "./panel.js";
import { Player } from "./player.js";
import { showProject, wireClipStatus } from "./project_view.js";
import { Shuttle } from "./shuttle.js";
import { Timeline } from "./timeline.js";
import { showStatus, watchJobs } from "./status.js";
import { AnnotationTable, tableHelp } from "./table.js";
import { TimelineDrag } from "./drag.js";
import { Waveform } from "./waveform.js";

const $ = (id) => document.getElementById(id);
const SAVE_TEXT = {
  saved: "All changes saved",
  saving: "Saving…",
  offline: "Not saved: server unreachable, retrying",
  error: "Not saved",
};

// A message at the bottom right, over the side panel (clear of the video and the lanes); a sticky one (changes that were
// not saved) stays until clicked or Escape.
function notify(message, level = "info", { sticky = false } = {}) {
  const item = el("div", { class: `toast ${level}`, title: "click to close" }, message);
  item.addEventListener("click", () => item.remove());
  if (sticky) item.dataset.sticky = "1";
  $("toasts").append(item);
  if (!sticky) setTimeout(() => item.remove(), level === "info" ? 3000 : 6000);
}

async function main() {
  const session = await get("/api/session");
  $("coder").textContent = session.coder;
  $("scheme").textContent = session.scheme.id;
  document.title = `annotate · ${session.project}`;
  const wanted = new URLSearchParams(location.hash.slice(1)).get("clip") || session.open_clip;
  $("to-clips").hidden = Boolean(session.open_clip);
  if (!wanted) return chooseClip(session);
  await openClip(session, wanted);
}

function chooseClip(session) {
  showProject(session);
}

async function openClip(session, name) {
  $("chooser").hidden = true;
  $("clip-name").textContent = name;
  const clip = await get(`/api/clip${clipQuery(name)}`);
  $("clip-name").textContent = clip.title || name;
  document.title = `annotate · ${clip.title || name}`;
  const video = $("video");
  const player = new Player(video, clip);
  const annotations = new Annotations(name, session.coder);
  const actions = new Actions({ annotations, player, scheme: session.scheme, notify });
  const timeline = new Timeline($("timeline"), { scheme: session.scheme, player, actions });
  const overlay = new Overlay($("overlay"), video);
  const waveform = new Waveform(timeline, name);
  const panel = new Panel(
    { editor: $("editor"), list: $("annotation-list") },
    { actions, annotations, scheme: session.scheme, player },
  );
  const care = new CareSheet($("care"), { config: session.care, annotations, clip: name });
  const attributes = new ClipAttributes($("attributes"), { scheme: session.scheme, annotations });
  const table = new AnnotationTable($("table"), {
    annotations,
    actions,
    player,
    other: () => timeline.other,
    showTab,
  });
  timeline.onPress = new TimelineDrag(timeline, { annotations, actions, player, notify }).press;
  const ui = {
    session,
    clip,
    name,
    video,
    player,
    annotations,
    actions,
    timeline,
    overlay,
    panel,
    care,
    attributes,
    table,
    waveform,
  };
  window.annotateDebug = ui;

  wireSaving(ui);
  wireControls(ui);
  wireOtherCoder(ui);
  wireClipStatus(ui, notify);
  showRoles(clip.roles);
  const keymap = new Keymap(session.scheme);
  const shuttle = new Shuttle(player, (state) => {
    $("shuttle").textContent = state ? `${state < 0 ? "◀◀" : "▶▶"} ${Math.abs(state)}x` : "";
  });
  ui.keymap = keymap;
  keymapNow = keymap;
  const handlers = { ...keyHandlers(ui), ...shuttle.handlers() };
  const keyboard = new Keyboard(session.scheme, handlers, keymap);
  const onCode = (tier, code) => actions.codeKey(tier, code);
  const [codeBar, help, dialog, opener] = ["code-bar", "help", "keys-dialog", "keys-open"].map($);
  wireKeymap({ keymap, keyboard, onCode, codeBar, help, dialog, opener, more: [tableHelp] });
  new Importer($("imports"), {
    clip: name,
    coder: session.coder,
    annotations,
    notify,
    onOtherCoder: (coder) => addOtherCoder(coder),
  });

  actions.onSelect = (item) => {
    panel.render();
    timeline.draw();
    table.followSelection(item);
  };
  timeline.onSeek = (t) => {
    actions.select(null);
    player.seekFrame(player.frameAt(t));
  };
  player.onTick((t) => {
    overlay.draw(t);
    timeline.follow(t);
    timeline.draw(t);
    showTime(player, t);
  });
  video.addEventListener("ratechange", () => showTime(player, video.currentTime));
  // the picture's size known (or changed): the overlays drawn again to fit it
  for (const type of ["loadedmetadata", "resize"])
    video.addEventListener(type, () => player.refresh());

  const videoReady = loadVideo(ui);
  const loaded = Promise.all([annotations.load(), care.load(), keymap.load()]);
  const features = loadFeatures(ui);
  waveform.load(); // not waited for: a long recording's sound is read in the background
  await Promise.all([videoReady, loaded, features.first]);
  await wireConsensus(ui, notify).catch((e) => notify(`consensus view: ${e.message}`, "warn"));
  timeline.fit();
  panel.render();
  attributes.render();
  player.refresh();
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  document.body.dataset.ready = "1";
  window.annotateReadyMs = performance.now();
}

function showTime(player, t) {
  const k = player.frameAt(t);
  $("time").textContent = formatTime(player.frameTime(k));
  $("frame").textContent = `frame ${k} / ${player.frameCount - 1}`;
  $("rate").textContent = `${player.video.playbackRate.toFixed(2)}x`;
}

function loadVideo({ name, video, clip }) {
  const ready = new Promise((resolve) =>
    video.addEventListener("loadeddata", resolve, { once: true }),
  );
  const start = () => {
    video.src = `/api/clip/video${clipQuery(name)}`;
  };
  if (clip.video.state === "done") start();
  else {
    request("POST", `/api/clip/prepare${clipQuery(name)}`).catch(() => {});
    watchJobs(name, "video", $("video-status"), start);
  }
  return ready;
}

// Features: shown when there; otherwise extracted in the background, with progress, and shown
// when done. The page is ready without them (`first` resolves at once when they are missing).
function loadFeatures({ name, clip, overlay, timeline, player }) {
  const show = async () => {
    const features = await get(`/api/clip/features${clipQuery(name)}`);
    overlay.setFeatures(features);
    timeline.setEpisodes(features.lanes);
    player.refresh();
    document.body.dataset.rolesSwapped = features.roles_swapped ? "1" : "0";
    document.body.dataset.features = "1";
  };
  if (clip.features.state === "done") return { first: show() };
  request("POST", `/api/clip/prepare${clipQuery(name)}`).catch(() => {});
  watchJobs(name, "features", $("features-status"), () =>
    show().catch((e) => notify(e.message, "warn")),
  );
  return { first: Promise.resolve() };
}

function wireSaving({ annotations, actions, panel, timeline, care, attributes }) {
  const indicator = $("save-state");
  const refresh = () => {
    const state = annotations.state;
    indicator.dataset.state = state;
    const waiting = annotations.queue.length;
    indicator.textContent =
      state === "saving"
        ? `Saving ${waiting} change${waiting > 1 ? "s" : ""}…`
        : state === "error" || state === "offline"
          ? `Not saved: ${annotations.problem.message}`
          : SAVE_TEXT[state];
  };
  annotations.addEventListener("status", refresh);
  const openNote = $("open-states");
  annotations.addEventListener("change", () => {
    panel.render();
    attributes.update();
    timeline.own = annotations.list();
    timeline.draw();
    const open = actions.allOpen();
    for (const button of document.querySelectorAll("#code-bar .code-key")) {
      const running = open.some(
        (a) => a.tier === button.dataset.tier && a.code === button.dataset.code,
      );
      button.classList.toggle("running", running);
    }
    openNote.hidden = !open.length;
    openNote.textContent = open.length
      ? `${open.length} open state${open.length > 1 ? "s" : ""}: ${open.map((a) => `${a.code} ${formatTime(a.start_s)}`).join(", ")}`
      : "";
  });
  // Leaving the clip (reload, close, another clip) with a state not ended: the browser asks.
  window.addEventListener("beforeunload", (event) => {
    if (actions.allOpen().length) event.preventDefault();
  });
  annotations.addEventListener("reloaded", (event) => {
    actions.select(null);
    care.load().catch(() => {});
    const problem = event.detail || {};
    const lost = problem.lost || 0;
    notify(
      `${problem.message || "reloaded"}${lost ? `; ${lost} change(s) were not saved` : ""}`,
      "warn",
      { sticky: true },
    );
  });
  refresh();
}

function wireOtherCoder({ session, clip, name, timeline, table }) {
  const select = $("other-coder");
  const others = clip.coders.filter((c) => c !== session.coder);
  select.replaceChildren(
    el("option", { value: "" }, others.length ? "—" : "no other coder"),
    ...others.map((c) => el("option", { value: c }, c)),
  );
  select.addEventListener("change", async () => {
    if (!select.value) {
      timeline.setOther(null, []);
      return table.render();
    }
    const data = await get(`/api/clip/annotations${clipQuery(name, { coder: select.value })}`);
    timeline.setOther(select.value, data.annotations);
    table.render();
  });
}

function wireControls(ui) {
  const { player, overlay, timeline } = ui;
  const handlers = keyHandlers(ui);
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => {
      handlers[button.dataset.action]?.({ key: button.dataset.key || "", shiftKey: false });
      button.blur();
    });
  }
  for (const box of document.querySelectorAll("[data-layer]")) {
    box.addEventListener("change", () => {
      overlay.shown[box.dataset.layer] = box.checked;
      overlay.drawnAt = null;
      player.refresh();
    });
  }
  // A control used with the mouse gives the keyboard back to coding at once.
  const pause = $("auto-pause");
  pause.addEventListener("change", () => player.setAutoPause(pause.value));
  const controls =
    "[data-layer], #loop-seconds, #other-coder, #auto-pause, #attributes select, #attributes input";
  for (const control of document.querySelectorAll(controls)) {
    control.addEventListener("change", () => control.blur());
  }
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.addEventListener("click", () => showTab(tab.dataset.tab));
  }
  window.addEventListener("resize", () => player.refresh());
  wireGoto(ui);
  wireExports(ui);
  wireSound(ui);
}

// The go-to field: a time or a frame, Enter goes there (paused, on that frame) and gives the
// keyboard back to coding; a text it cannot read is said so.
function wireGoto({ player, actions }) {
  const field = $("goto");
  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const target = parseTarget(field.value);
    if (!target) return notify(`cannot read "${field.value}": give mm:ss.fff, seconds or f120`, "warn");
    const k = target.frame ?? player.frameAt(Math.min(target.seconds, player.duration));
    if (k < 0 || k >= player.frameCount)
      return notify(`frame ${k} is not in this clip (0-${player.frameCount - 1})`, "warn");
    actions.select(null);
    player.video.pause();
    player.seekFrame(k);
    field.blur();
  });
}

// Sound: volume and mute, kept in this browser.
const SOUND_KEY = "annotate.sound";
function wireSound({ video }) {
  const volume = $("volume");
  const mute = $("mute");
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem(SOUND_KEY) || "{}");
  } catch {
    saved = {};
  }
  volume.value = saved.volume ?? 1;
  mute.checked = Boolean(saved.muted);
  const apply = () => {
    video.volume = Number(volume.value);
    video.muted = mute.checked;
    try {
      localStorage.setItem(SOUND_KEY, JSON.stringify({ volume: video.volume, muted: video.muted }));
    } catch {
      // storage refused: the setting lasts for this page only
    }
  };
  volume.addEventListener("input", apply);
  mute.addEventListener("change", apply);
  for (const control of [volume, mute]) control.addEventListener("change", () => control.blur());
  apply();
}

// Export buttons: the file comes from the server (the same writer as `annotate annotations
// export`); a refusal (a state still open) is shown, not saved as a file.
function wireExports({ name }) {
  for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", async () => {
      button.blur();
      const answer = await fetch(
        `/api/clip/export${clipQuery(name, { format: button.dataset.export })}`,
        { credentials: "same-origin", cache: "no-store" },
      ).catch(() => null);
      if (!answer) return notify("export failed: the server cannot be reached", "warn");
      if (!answer.ok) {
        const body = await answer.json().catch(() => ({}));
        return notify(`not exported: ${body.error || answer.statusText}`, "warn");
      }
      const file = (answer.headers.get("content-disposition") || "").match(/filename="([^"]+)"/);
      const link = el("a", {
        href: URL.createObjectURL(await answer.blob()),
        download: file ? file[1] : `annotations.${button.dataset.export}`,
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    });
  }
}

function showTab(name) {
  for (const tab of document.querySelectorAll("[data-tab]"))
    tab.classList.toggle("active", tab.dataset.tab === name);
  for (const pane of document.querySelectorAll(".pane")) pane.hidden = pane.id !== `pane-${name}`;
}

function toggleLayer(overlay, player, layer) {
  const on = overlay.toggle(layer);
  player.refresh();
  const box = document.querySelector(`[data-layer="${layer}"]`);
  if (box) box.checked = on;
}

let keymapNow = null; // the coder's keys, once loaded (the roles button's tooltip names its key)
const ROLES = BINDINGS.find((b) => b.id === "roles");

// The clip's roles: shown in the header; Shift+R (or the button) swaps mother and infant for the
// clip, stored as this coder's word; the overlays and lanes are loaded again, swapped.
function showRoles(roles) {
  const button = $("roles");
  button.dataset.swapped = roles.swapped ? "1" : "0";
  button.textContent = roles.swapped ? "roles swapped" : "swap roles";
  button.dataset.tip = roles.swapped
    ? `mother and infant swapped by ${roles.by} at ${roles.at}; again: back`
    : "swap mother and infant for this clip";
  button.title = `${button.dataset.tip} (${keymapNow ? shownChord(keymapNow.chord(ROLES)) : "Shift+R"})`;
}

function swapRoles(ui) {
  const { clip, annotations } = ui;
  const wanted = !clip.roles.swapped;
  annotations.saveRoles(wanted, (answer, error) => {
    if (error) return notify(`roles not changed: ${error}`, "warn");
    clip.roles = answer;
    showRoles(answer);
    notify(answer.swapped ? "mother and infant swapped for this clip" : "roles as found");
    if (document.body.dataset.features === "1") reloadFeatures(ui);
  });
}

async function reloadFeatures({ name, overlay, timeline, player }) {
  const features = await get(`/api/clip/features${clipQuery(name)}`);
  overlay.setFeatures(features);
  timeline.setEpisodes(features.lanes);
  player.refresh();
  document.body.dataset.rolesSwapped = features.roles_swapped ? "1" : "0";
}

// Undo and redo are the store's (they survive a reload); what was undone, or why not, is said.
// A consensus take undone or redone may change the CARE sheet and the consensus view too.
function undoRedo({ actions, annotations, care, consensus }, kind) {
  actions.select(null);
  annotations[kind]((answer, error) => {
    notify(error || answer.done, error ? "warn" : "info");
    if (error || !consensus?.data?.a) return;
    care.load().catch(() => {});
    consensus.load().catch(() => {});
  });
}

// A coder imported for in the page: offered as the second coder to show.
function addOtherCoder(coder) {
  const select = $("other-coder");
  if (![...select.options].some((o) => o.value === coder))
    select.append(el("option", { value: coder }, coder));
}

function keyHandlers(ui) {
  const { player, overlay, timeline, actions, annotations } = ui;
  const right = (e) => e.key === "ArrowRight" || e.key === "PageDown" || e.key === "+";
  return {
    code: (tier, code) => actions.codeKey(tier, code),
    play: () => player.togglePlay(),
    frame: (e) => player.step(right(e) ? 1 : -1),
    second: (e) => player.jump(right(e) ? 1 : -1),
    five: (e) => player.jump(right(e) ? 5 : -5),
    tierJump: (e) => actions.jumpOnTier(e.key === "PageDown" ? 1 : -1),
    ends: (e) => player.seekFrame(e.key === "End" ? player.frameCount - 1 : 0),
    rate: (e) => player.changeRate(e.key === "]" ? 1 : -1),
    loop: () => {
      const loop = player.toggleLoop(Number($("loop-seconds").value) || 3);
      $("loop-state").textContent = loop
        ? `looping ${formatTime(loop.start)}–${formatTime(loop.end)}`
        : "";
    },
    boxes: () => toggleLayer(overlay, player, "boxes"),
    head: () => toggleLayer(overlay, player, "head"),
    gaze: () => toggleLayer(overlay, player, "gaze"),
    mutual: () => toggleLayer(overlay, player, "mutual"),
    zoom: (e) => timeline.zoom(e.key === "-" ? 1 / 1.5 : 1.5),
    fit: () => timeline.fit(),
    automatic: () => timeline.toggleAutomatic(),
    roles: () => swapRoles(ui),
    mute: () => {
      $("mute").checked = !$("mute").checked;
      $("mute").dispatchEvent(new Event("change"));
    },
    autoPause: () => {
      const pause = $("auto-pause");
      pause.value = pause.value === "0" ? pause.dataset.last || "3" : "0";
      if (pause.value !== "0") pause.dataset.last = pause.value;
      player.setAutoPause(pause.value);
      notify(pause.value === "0" ? "auto-pause off" : `auto-pause every ${pause.value} s`);
    },
    goto: () => {
      $("goto").select();
      $("goto").focus();
    },
    select: (e) => actions.selectNext(e.shiftKey ? -1 : 1),
    nudgeStart: (e) => actions.nudge("start", e.code === "Period" || e.key === "." ? 1 : -1),
    nudgeEnd: (e) => actions.nudge("end", e.code === "Period" || e.key === ">" ? 1 : -1),
    // Delete deletes at once (Ctrl+Z brings it back); Backspace, easy to hit by mistake, asks.
    delete: (e) => {
      const item = actions.selected;
      if (e.key === "Backspace" && item && !item.removed) {
        const what = `${item.tier} ${item.code} at ${formatTime(item.start_s)}`;
        if (!window.confirm(`Delete ${what}?`)) return;
      }
      actions.deleteSelected();
    },
    editCode: () => {
      showTab("annotation");
      $("edit-code")?.focus();
    },
    undo: () => undoRedo(ui, "undo"),
    redo: () => undoRedo(ui, "redo"),
    escape: () => {
      actions.select(null);
      annotations.dismiss();
      for (const toast of document.querySelectorAll(".toast")) toast.remove();
      $("help-dialog").hidden = true;
    },
    help: () => {
      $("help-dialog").hidden = !$("help-dialog").hidden;
    },
    table: () => ui.table.focus(),
    consensusNext: () => ui.consensus?.stepKey(1),
    consensusPrevious: () => ui.consensus?.stepKey(-1),
  };
}

window.addEventListener("hashchange", (event) => {
  const open = window.annotateDebug?.actions?.allOpen() || [];
  const leave =
    !open.length ||
    window.confirm(
      `${open.length} state(s) started and not ended on this clip (exports and reliability refuse them). Leave anyway?`,
    );
  if (leave) location.reload();
  else history.replaceState(null, "", event.oldURL);
});
main().catch((error) => {
  showStatus($("fatal"), `Cannot open: ${error.message}`);
  document.body.dataset.ready = "error";
});
