// Import buttons: an ELAN .eaf, the project's own CSV, a BORIS project or export, an RTTM file,
// as this coder or as a named one. The file goes to the server (POST /api/clip/import), which
// reads it with the library's readers: first a preview (how many annotations of which codes,
// which observations the file holds), then, when the coder says so, the import itself, whole or
// not at all. A bad file is answered with one line naming it.

import { ApiError, clipQuery } from "./api.js";
import { el } from "./format.js";

async function send(clip, file, bytes, params) {
  const query = clipQuery(clip, { name: file.name, ...params });
  let response;
  try {
    response = await fetch(`/api/clip/import${query}`, {
      method: "POST",
      headers: { "Content-Type": "application/octet-stream" },
      body: bytes,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, null, true);
  }
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export class Importer {
  constructor(box, { clip, coder, annotations, notify, onOtherCoder }) {
    this.box = box;
    this.clip = clip;
    this.coder = coder;
    this.annotations = annotations;
    this.notify = notify;
    this.onOtherCoder = onOtherCoder;
    this.file = null;
    this.bytes = null;
    this.input = el("input", {
      type: "file",
      id: "import-file",
      accept: ".eaf,.gz,.csv,.tsv,.boris,.rttm",
      title: "ELAN .eaf, the project's CSV, a BORIS project or export, RTTM",
      onchange: () => this.chosen(),
    });
    this.who = el("input", {
      type: "text",
      id: "import-coder",
      size: 8,
      placeholder: coder,
      title: "import as this coder (empty: you)",
      "aria-label": "import as coder",
    });
    this.observation = el("select", { id: "import-observation", hidden: true });
    this.observation.addEventListener("change", () => this.preview());
    this.status = el("div", { id: "import-status", class: "status-line", role: "status" });
    this.go = el(
      "button",
      { type: "button", id: "import-go", hidden: true, onclick: () => this.run() },
      "import",
    );
    this.cancel = el(
      "button",
      { type: "button", id: "import-cancel", hidden: true, onclick: () => this.clear() },
      "cancel",
    );
    box.replaceChildren(
      "import: ",
      this.input,
      " as ",
      this.who,
      this.observation,
      this.go,
      this.cancel,
      this.status,
    );
  }

  params(preview) {
    const params = {};
    const who = this.who.value.trim();
    if (who && who !== this.coder) params.coder = who;
    if (!this.observation.hidden && this.observation.value)
      params.observation = this.observation.value;
    if (preview) params.preview = "1";
    return params;
  }

  say(text, level = "") {
    this.status.textContent = text;
    this.status.dataset.level = level;
  }

  clear() {
    this.input.value = "";
    this.file = null;
    this.bytes = null;
    this.go.hidden = this.cancel.hidden = this.observation.hidden = true;
    this.observation.replaceChildren();
    this.say("");
  }

  async chosen() {
    this.input.blur();
    this.file = this.input.files[0] || null;
    this.observation.hidden = true;
    this.observation.replaceChildren();
    if (!this.file) return this.clear();
    this.bytes = await this.file.arrayBuffer();
    await this.preview();
  }

  async preview() {
    this.observation.blur();
    this.go.hidden = true;
    this.cancel.hidden = false;
    this.say(`reading ${this.file.name}…`);
    let found;
    try {
      found = await send(this.clip, this.file, this.bytes, this.params(true));
    } catch (error) {
      return this.say(`not imported: ${error.message}`, "bad");
    }
    if (found.observations.length > 1 && this.observation.hidden) {
      this.observation.replaceChildren(
        el("option", { value: "" }, "choose an observation…"),
        ...found.observations.map((o) => el("option", { value: o }, o)),
      );
      this.observation.hidden = false;
    }
    if (!found.count) {
      const choose = found.observations.length > 1 ? ": choose one of its observations" : "";
      return this.say(`${found.name}: no annotations to import${choose}`, "warn");
    }
    const codes = Object.entries(found.tiers)
      .slice(0, 6)
      .map(([name, n]) => `${name} ×${n}`)
      .join(", ");
    const more = Object.keys(found.tiers).length > 6 ? ", …" : "";
    const warned = found.warnings.length ? ` (${found.warnings.length} warning(s))` : "";
    this.say(
      `${found.name}: ${found.count} annotation(s) for ${found.coder}, scheme ${found.scheme}: ${codes}${more}${warned}`,
    );
    this.go.hidden = false;
  }

  async run() {
    this.go.blur();
    const params = this.params(false);
    const mine = !params.coder;
    if (mine && this.annotations.queue.length)
      return this.say("wait until all changes are saved, then import", "warn");
    let done;
    try {
      done = await send(this.clip, this.file, this.bytes, params);
    } catch (error) {
      return this.say(`not imported: ${error.message}`, "bad");
    }
    this.clear();
    this.say(`imported ${done.count} annotation(s) from ${done.name} for ${done.coder}`, "ok");
    this.notify(`imported ${done.count} annotation(s) for ${done.coder}`);
    if (mine) await this.annotations.load();
    else this.onOtherCoder(done.coder);
  }
}
