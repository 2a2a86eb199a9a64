// The coder's annotations on the open clip: the list the page shows, the queue that saves every
// change to the server one at a time (each with the revision it was made on), and undo/redo.
//
// Undo and redo are the store's (POST /api/clip/undo, /redo; annotate.coding.clip_undo): the
// coder's latest change on the clip is reverted from the store's history, so the undo stack
// survives a reload, a restart and another browser. The changes of one key press get change
// keys with one prefix (PREFIX-1, PREFIX-2) and are undone together.
//
// A change shows at once, marked unsaved; it is marked saved only when the server answered that
// the store committed it. Every change carries a key of its own (the Idempotency-Key header),
// stored with it: when the server cannot be reached (or fails, 5xx) the change stays queued
// (unsaved) and is sent again, with the same key, every few seconds; a change the server had
// committed before it died is then answered as done, so only what is not stored yet is stored
// and nothing is dropped or stored twice. A refusal (4xx) is never retried: 409 (changed in
// another tab) drops the queue and reloads the stored state; any other 4xx (the store's checks,
// a malformed request) drops that change only, and once the rest is stored the page reloads
// the stored state and shows the server's message.

import { ApiError, clipQuery, get, request } from "./api.js";

const FIELDS = ["tier", "code", "start_s", "end_s", "value", "note", "open"];
const RETRY_MS = 2000;
const RETRY_MAX_MS = 30000;
let nextKey = 1;

// A change's key: 128 random bits as hex (crypto.getRandomValues works on plain http too).
export function changeKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromServer(row) {
  return { key: nextKey++, ...row, pending: 0, removed: false };
}

export function pick(item, names = FIELDS) {
  const out = {};
  for (const name of names) out[name] = item[name];
  return out;
}

export class Annotations extends EventTarget {
  constructor(clip, coder) {
    super();
    this.clip = clip;
    this.coder = coder;
    this.items = [];
    this.revision = 0;
    this.queue = [];
    this.sending = false;
    this.problem = null; // {kind: "offline" | "refused" | "conflict", message}
    this.retries = 0; // failed tries of the change at the head of the queue
    this.refused = null; // {message, lost}: changes the server refused, reported once drained
    this.record = null; // the change keys' prefix and count of the key press under way
    window.addEventListener("beforeunload", (event) => {
      if (this.queue.length) event.preventDefault();
    });
  }

  async load() {
    const data = await get(`/api/clip/annotations${clipQuery(this.clip)}`);
    this.items = data.annotations.map(fromServer);
    this.revision = data.revision;
    this.emit("change");
  }

  emit(type, detail = null) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  list() {
    return this.items.filter((item) => !item.removed);
  }

  get state() {
    if (this.problem) return this.problem.kind === "offline" ? "offline" : "error";
    return this.queue.length ? "saving" : "saved";
  }

  // One user action (a key press) as one undo step: `body` calls add/update/remove, and their
  // change keys share a prefix.
  action(body) {
    const record = { prefix: changeKey(), count: 0 };
    this.record = record;
    try {
      body();
    } finally {
      this.record = null;
    }
    this.emit("change");
    return record;
  }

  add(fields) {
    const item = {
      key: nextKey++,
      id: null,
      coder: this.coder,
      value: "",
      note: "",
      open: false,
      ...fields,
    };
    item.pending = 0;
    item.removed = false;
    this.items.push(item);
    this.enqueue({ kind: "add", item, fields: pick(item) });
    return item;
  }

  update(item, changes) {
    Object.assign(item, changes);
    this.enqueue({ kind: "update", item, changes: { ...changes } });
  }

  remove(item) {
    item.removed = true;
    this.enqueue({ kind: "delete", item });
  }

  // Undo (or redo) the coder's latest change on the clip, in the store, after the changes
  // before it are stored; `done(answer, error)` hears how it went.
  undo(done = () => {}) {
    this.enqueue({ kind: "undo", done });
    return true;
  }

  redo(done = () => {}) {
    this.enqueue({ kind: "redo", done });
    return true;
  }

  // CARE-Index aspects go through the same queue: one revision, one order of writes.
  saveCare(aspect, points, note, done) {
    this.enqueue({ kind: "care", aspect, points, note, done });
  }

  // The clip's roles (mother and infant swapped or not), in the same queue too.
  saveRoles(swapped, done) {
    this.enqueue({ kind: "roles", swapped, done });
  }

  enqueue(op) {
    op.key = this.record ? `${this.record.prefix}-${++this.record.count}` : changeKey();
    if (op.item) op.item.pending += 1;
    this.queue.push(op);
    this.emit("status");
    this.pump();
  }

  async pump() {
    if (this.sending || !this.queue.length) return;
    this.sending = true;
    const op = this.queue[0];
    try {
      const answer = await this.send(op);
      this.queue.shift();
      this.revision = answer.revision;
      this.settle(op, answer);
      this.problem = null;
      this.retries = 0;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.fail(op, error);
    } finally {
      this.sending = false;
      this.emit("status");
      this.emit("change");
    }
    if (this.queue.length && !this.problem) this.pump();
    else if (!this.queue.length && this.refused) this.reloadAfterRefusal();
  }

  // Changes were refused (and only those dropped): once the rest is stored, show the stored
  // state and say what was not saved.
  reloadAfterRefusal() {
    const { message, lost } = this.refused;
    this.refused = null;
    this.problem = { kind: "refused", message, lost };
    this.load()
      .then(() => this.reloaded())
      .catch(() => {});
  }

  send(op) {
    const query = clipQuery(this.clip);
    const revision = this.revision;
    const key = { "Idempotency-Key": op.key };
    if (op.kind === "add") {
      return request("POST", `/api/clip/annotations${query}`, { revision, ...op.fields }, key);
    }
    if (op.kind === "update") {
      const target = `/api/clip/annotations/${op.item.id}${query}`;
      return request("PATCH", target, { revision, ...op.changes }, key);
    }
    if (op.kind === "delete") {
      const target = `/api/clip/annotations/${op.item.id}${clipQuery(this.clip, { revision })}`;
      return request("DELETE", target, undefined, key);
    }
    if (op.kind === "roles") {
      return request("PUT", `/api/clip/roles${query}`, { revision, swapped: op.swapped }, key);
    }
    if (op.kind === "undo" || op.kind === "redo") {
      return request("POST", `/api/clip/${op.kind}${query}`, { revision }, key);
    }
    const target = `/api/clip/care/${encodeURIComponent(op.aspect)}${query}`;
    return request("PUT", target, { revision, points: op.points, note: op.note }, key);
  }

  settle(op, answer) {
    if (op.kind === "undo" || op.kind === "redo") {
      this.replaceWith(answer.annotations);
      op.done?.(answer, null);
      return;
    }
    if (op.kind === "care" || op.kind === "roles") {
      op.done?.(answer, null);
      return;
    }
    op.item.pending -= 1;
    if (op.kind !== "delete") {
      op.item.id = answer.id;
      op.item.created = answer.created;
      op.item.updated = answer.updated;
    }
  }

  // The stored annotations after an undo, keeping the items whose changes are still queued.
  replaceWith(rows) {
    const waiting = this.items.filter((item) => item.pending > 0);
    const kept = new Set(waiting.map((item) => item.id).filter((id) => id !== null));
    this.items = [...rows.filter((row) => !kept.has(row.id)).map(fromServer), ...waiting];
  }

  fail(op, error) {
    if (error.offline || error.status >= 500) {
      // Not refused: sent again (same key) until the server answers; slower while it fails.
      this.retries += 1;
      const wait = Math.min(RETRY_MS * 2 ** Math.max(0, this.retries - 3), RETRY_MAX_MS);
      const message = error.offline
        ? "the server cannot be reached; retrying"
        : `the server failed (${error.message}); retrying`;
      this.problem = { kind: "offline", message };
      setTimeout(() => {
        this.problem = null;
        this.pump();
      }, wait);
      return;
    }
    this.retries = 0;
    const whole = ["care", "roles", "undo", "redo"].includes(op.kind);
    if (whole && error.status !== 409) {
      this.queue.shift();
      op.done?.(null, error.message);
      return;
    }
    if (error.status !== 409) {
      // Refused (the store's checks, a malformed request): this change only is dropped, never
      // sent again; the changes after it are still sent.
      this.queue.shift();
      if (op.item) op.item.pending -= 1;
      this.refused = { message: error.message, lost: (this.refused?.lost || 0) + 1 };
      return;
    }
    const lost = this.queue.length + (this.refused?.lost || 0);
    this.refused = null;
    this.queue = [];
    const why =
      error.status === 409
        ? "this clip was changed elsewhere (another tab or program); the stored state is shown"
        : error.message;
    this.problem = { kind: error.status === 409 ? "conflict" : "refused", message: why, lost };
    if (whole) op.done?.(null, why);
    this.load()
      .then(() => this.reloaded())
      .catch(() => {});
  }

  // The stored state is shown again: what the page shows is what is stored, so the badge is no
  // longer red; the message (what was not saved) goes to the page, which keeps it in sight.
  reloaded() {
    const problem = this.problem;
    this.problem = null;
    this.emit("status");
    this.emit("reloaded", problem);
  }

  // After the coder saw the message: keep the reloaded state and carry on.
  dismiss() {
    if (this.problem && this.problem.kind !== "offline") this.problem = null;
    this.emit("status");
  }
}
