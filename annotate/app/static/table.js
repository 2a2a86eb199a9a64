// The annotation table (the side panel's "Table" tab), edited in place as in Datavyu's
// spreadsheet: one row per annotation (onset, offset, tier, code, modifier, note, coder), a
// header row that sorts (Enter on a column) and a filter row under it (tier, code, coder).
// Keyboard only: Shift+E goes to the table; arrows move between cells (a row reached is selected
// and the video goes to its onset), Enter edits a cell and commits, Escape cancels (or leaves the
// table), Tab / Shift+Tab move on. Times are typed as frame numbers (120, f120) or as m:ss.fff
// (seconds: 2.5s), and snapped to the frame they fall in. Every edit is one change of the page's
// one change path (annotations.js: its queue, idempotency keys, offline retries and undo); an
// edit the table can tell is wrong (offset before onset, a code not in the scheme) is refused
// here with a message, and nothing is sent. The current row follows the playhead and the
// selection; a second coder's annotations (chosen under the timeline) are listed read-only.

import { ATTRIBUTES_TIER } from "./attributes.js";
import { el, formatTime } from "./format.js";
import { CellEdits, NOTE_MAX } from "./table_edits.js";

const COLUMNS = [
  { id: "onset", label: "onset", editable: true },
  { id: "offset", label: "offset", editable: true },
  { id: "tier", label: "tier", filter: true },
  { id: "code", label: "code", editable: true, filter: true },
  { id: "modifier", label: "modifier", editable: true },
  { id: "note", label: "note", editable: true },
  { id: "coder", label: "coder", filter: true },
];
const SORT_ROW = "sort";
const FILTER_ROW = "filter";
const PAGE_ROWS = 10;

export class AnnotationTable {
  constructor(root, { annotations, actions, player, other, showTab }) {
    this.root = root;
    this.annotations = annotations;
    this.actions = actions;
    this.player = player;
    this.other = other; // () => {coder, items}: the second coder's annotations, read-only
    this.showTab = showTab;
    this.edits = new CellEdits({ annotations, actions, player });
    this.sort = { col: "onset", dir: 1 };
    this.filters = { tier: "", code: "", coder: "" };
    this.cursor = { row: null, col: 0 }; // row: SORT_ROW, FILTER_ROW or an annotation
    this.current = null; // the row following the playhead and the selection
    this.editing = null;
    this.dirty = true;
    this.shown = [];
    this.rowOf = new Map();
    this.build();
    this.built = new WeakMap(); // annotation -> {sig, tr}: rows drawn again only when changed
    this.scheduled = 0;
    // Changes come in bursts (the edit, then its save): drawn once, on the next frame.
    annotations.addEventListener("change", () => this.schedule());
    // Drawn while its tab is shown only; shown again: drawn, and the row at the playhead found.
    const pane = root.closest(".pane");
    if (pane)
      new MutationObserver(() => {
        if (pane.hidden) return;
        if (this.dirty) this.render();
        this.followed = null;
        this.followTime(player.video.currentTime);
      }).observe(pane, { attributes: true, attributeFilter: ["hidden"] });
    player.onTick((t) => this.followTime(t));
  }

  build() {
    this.count = el("span", { id: "table-count" });
    this.message = el("div", { id: "table-message", role: "alert" });
    this.head = el("thead");
    this.body = el("tbody");
    this.table = el("table", { id: "annotation-table" }, this.head, this.body);
    this.grid = el(
      "div",
      {
        id: "table-grid",
        tabindex: "0",
        role: "grid",
        "aria-label": "annotations",
        onkeydown: (event) => this.key(event),
        onfocus: () => this.enter(),
        onclick: (event) => this.clickCell(event),
        ondblclick: (event) => this.clickCell(event, true),
      },
      this.table,
    );
    this.root.replaceChildren(
      el(
        "div",
        { class: "hint" },
        el("span", { dataset: { chord: "table" } }, "Shift+E"),
        ": here · arrows move · Enter edits / sorts / filters · Esc cancels or leaves · ",
        "times as frames (120) or m:ss.fff · ",
        this.count,
      ),
      this.message,
      this.grid,
    );
  }

  get visible() {
    return !this.root.closest(".pane")?.hidden;
  }

  // The table's tab, and the keyboard in the table (the page's key Shift+E, keys.js: a code's
  // key wins, and the coder may move it).
  focus() {
    this.showTab("table");
    this.render();
    this.grid.focus();
  }

  // The grid got the keyboard: the cursor goes to the current row when it is nowhere.
  enter() {
    if (this.editing) return;
    if (!this.cursor.row || !this.isShown(this.cursor.row))
      this.cursor.row =
        this.current && this.isShown(this.current) ? this.current : this.dataRows()[0] || SORT_ROW;
    this.paintCursor();
  }

  // --- rows ---------------------------------------------------------------------------------

  allRows() {
    const own = this.annotations.list().filter((a) => a.tier !== ATTRIBUTES_TIER);
    const other = this.other();
    return [...own, ...(other.coder ? other.items : [])];
  }

  isOwn(item) {
    return this.annotations.items.includes(item);
  }

  coderOf(item) {
    return item.coder || this.annotations.coder;
  }

  text(item, col) {
    if (col === "onset") return formatTime(item.start_s);
    if (col === "offset") {
      if (!this.actions.isState(item)) return "—";
      return this.actions.isOpen(item) ? "(open)" : formatTime(item.end_s);
    }
    if (col === "tier") return item.tier;
    if (col === "code") return item.code;
    if (col === "modifier") return item.value || "";
    if (col === "note") return item.note || "";
    return this.coderOf(item);
  }

  sortKey(item, col) {
    if (col === "onset") return item.start_s;
    if (col === "offset") return this.actions.isState(item) ? item.end_s : item.start_s;
    return this.text(item, col).toLowerCase();
  }

  matches(item) {
    for (const [col, wanted] of Object.entries(this.filters)) {
      if (!wanted) continue;
      const value = this.text(item, col).toLowerCase();
      const alternatives = wanted
        .toLowerCase()
        .split(",")
        .map((w) => w.trim())
        .filter(Boolean);
      if (!alternatives.some((w) => value === w || (!this.exact(col, w) && value.includes(w))))
        return false;
    }
    return true;
  }

  // A filter that names a value exactly keeps that value only ("infant" is not "infant_gaze").
  exact(col, wanted) {
    return this.allRows().some((item) => this.text(item, col).toLowerCase() === wanted);
  }

  visibleRows() {
    const { col, dir } = this.sort;
    return this.allRows()
      .filter((item) => this.matches(item))
      .sort((a, b) => {
        const x = this.sortKey(a, col);
        const y = this.sortKey(b, col);
        if (x < y) return -dir;
        if (x > y) return dir;
        return a.start_s - b.start_s || (a.key ?? 0) - (b.key ?? 0);
      });
  }

  dataRows() {
    return this.shown;
  }

  isShown(row) {
    return row === SORT_ROW || row === FILTER_ROW || this.rowOf.has(row);
  }

  // --- drawing ------------------------------------------------------------------------------

  schedule() {
    if (this.scheduled) return;
    this.scheduled = requestAnimationFrame(() => {
      this.scheduled = 0;
      this.render();
    });
  }

  render() {
    cancelAnimationFrame(this.scheduled);
    this.scheduled = 0;
    if (this.editing || !this.visible) {
      this.dirty = true;
      return;
    }
    this.dirty = false;
    const total = this.allRows().length;
    this.shown = this.visibleRows();
    this.count.textContent = `${this.shown.length} of ${total}`;
    const arrow = (c) => (this.sort.col === c.id ? (this.sort.dir > 0 ? " ▲" : " ▼") : "");
    this.head.replaceChildren(
      el(
        "tr",
        { class: "sort" },
        COLUMNS.map((c) =>
          el(
            "th",
            {
              dataset: {
                col: c.id,
                ...(this.sort.col === c.id ? { sort: this.sort.dir > 0 ? "asc" : "desc" } : {}),
              },
              title: `sort by ${c.label} (Enter)`,
            },
            c.label + arrow(c),
          ),
        ),
      ),
      el(
        "tr",
        { class: "filter" },
        COLUMNS.map((c) =>
          el(
            "td",
            {
              dataset: { col: c.id },
              class: c.filter ? "can-filter" : "",
              title: c.filter ? `filter by ${c.label} (Enter)` : "",
            },
            c.filter ? this.filters[c.id] || "·" : "",
          ),
        ),
      ),
    );
    this.rowOf = new Map();
    const trs = this.shown.map((item) => {
      const tr = this.rowElement(item);
      this.rowOf.set(item, tr);
      return tr;
    });
    this.placeRows(trs);
    if (this.cursor.row && !this.isShown(this.cursor.row))
      this.cursor.row = this.shown[0] || SORT_ROW;
    if (this.current && !this.rowOf.has(this.current)) this.current = null;
    this.paintCurrent(this.current, false);
    this.paintCursor(false);
  }

  // An annotation's row: the one drawn before while nothing shown in it changed.
  rowElement(item) {
    const readonly = !this.isOwn(item);
    const open = this.actions.isOpen(item);
    const sig = [item.start_s, item.end_s, item.tier, item.code, item.value, item.note, open]
      .concat([item.pending ? 1 : 0, readonly, this.coderOf(item)])
      .join("\u0001");
    const known = this.built.get(item);
    if (known && known.sig === sig) return known.tr;
    const tr = el(
      "tr",
      {
        class: `${readonly ? "readonly" : ""} ${item.pending ? "pending" : ""}`,
        dataset: {
          tier: item.tier,
          code: item.code,
          start: item.start_s,
          end: item.end_s,
          coder: this.coderOf(item),
          readonly: readonly ? "1" : "0",
          saved: item.pending ? "0" : "1",
        },
      },
      COLUMNS.map((c) => this.cell(item, c)),
    );
    this.built.set(item, { sig, tr });
    return tr;
  }

  // The rows into the table body: in place where only some rows were drawn again (an edit, a
  // save), all at once when the order or the number of rows changed.
  placeRows(trs) {
    const now = this.body.children;
    const inPlace =
      now.length === trs.length && trs.every((tr, i) => now[i] === tr || !tr.isConnected);
    if (!inPlace) return this.body.replaceChildren(...trs);
    trs.forEach((tr, i) => {
      if (now[i] !== tr) now[i].replaceWith(tr);
    });
  }

  cell(item, column) {
    const text = this.text(item, column.id);
    const td = el("td", { dataset: { col: column.id }, title: text }, text);
    if ((column.id === "onset" || column.id === "offset") && text.includes(":")) {
      const t = column.id === "onset" ? item.start_s : item.end_s;
      td.append(el("small", {}, ` ${this.player.frameAt(t)}`));
      td.title = `${text}, frame ${this.player.frameAt(t)}`;
    }
    return td;
  }

  cellAt(row, col) {
    const id = COLUMNS[col].id;
    if (row === SORT_ROW) return this.head.rows[0]?.cells[col];
    if (row === FILTER_ROW) return this.head.rows[1]?.cells[col];
    return this.rowOf.get(row)?.querySelector(`td[data-col="${id}"]`);
  }

  paintCursor(scroll = true) {
    for (const old of this.table.querySelectorAll(".cursor")) old.classList.remove("cursor");
    if (!this.cursor.row || (document.activeElement !== this.grid && !this.editing)) return;
    const cell = this.cellAt(this.cursor.row, this.cursor.col);
    if (!cell) return;
    cell.classList.add("cursor");
    if (scroll) cell.scrollIntoView({ block: "nearest", inline: "nearest" });
  }

  paintCurrent(item, scroll = true) {
    for (const old of this.body.querySelectorAll("tr.current")) old.classList.remove("current");
    for (const old of this.body.querySelectorAll("tr.selected")) old.classList.remove("selected");
    this.current = item;
    const tr = item && this.rowOf.get(item);
    if (tr) {
      tr.classList.add("current");
      if (scroll && document.activeElement !== this.grid) tr.scrollIntoView({ block: "nearest" });
    }
    const chosen = this.actions.selected && this.rowOf.get(this.actions.selected);
    chosen?.classList.add("selected");
  }

  // --- following ----------------------------------------------------------------------------

  covers(item, t) {
    const slack = 1e-6;
    if (!this.actions.isState(item))
      return this.player.frameAt(item.start_s) === this.player.frameAt(t);
    const end = this.actions.isOpen(item) ? Infinity : item.end_s;
    return item.start_s - slack <= t && t < Math.max(end, item.start_s + slack);
  }

  // The playhead moved: the current row is one whose annotation holds the frame shown (the one
  // that started last), else the last that started before it.
  followTime(t) {
    if (t === this.followed || !this.visible || this.editing) return;
    this.followed = t;
    if (this.current && this.rowOf.has(this.current) && this.covers(this.current, t)) return;
    const rows = this.shown;
    const holding = rows.filter((item) => this.covers(item, t));
    const before = rows.filter((item) => item.start_s <= t + 1e-6);
    const latest = (list) => list.reduce((a, b) => (b.start_s > a.start_s ? b : a), list[0]);
    const found = holding.length ? latest(holding) : before.length ? latest(before) : null;
    if (found !== this.current) this.paintCurrent(found);
  }

  // The selection changed elsewhere (timeline, list, keys): its row becomes the current one.
  followSelection(item) {
    if (!this.visible) return;
    if (this.dirty && !this.editing) this.render();
    if (item && this.rowOf.has(item)) {
      this.paintCurrent(item);
      if (document.activeElement === this.grid && this.cursor.row !== item && !this.editing) {
        this.cursor.row = item;
        this.paintCursor();
      }
    } else this.paintCurrent(this.current);
  }

  // --- keys ---------------------------------------------------------------------------------

  key(event) {
    if (this.editing) return this.editKey(event);
    const rows = [SORT_ROW, FILTER_ROW, ...this.shown];
    const index = Math.max(0, rows.indexOf(this.cursor.row));
    const last = COLUMNS.length - 1;
    const ctrl = event.ctrlKey || event.metaKey;
    let handled = true;
    switch (event.key) {
      case "ArrowUp":
        this.moveTo(rows[Math.max(0, index - 1)], this.cursor.col);
        break;
      case "ArrowDown":
        this.moveTo(rows[Math.min(rows.length - 1, index + 1)], this.cursor.col);
        break;
      case "PageUp":
        this.moveTo(rows[Math.max(0, index - PAGE_ROWS)], this.cursor.col);
        break;
      case "PageDown":
        this.moveTo(rows[Math.min(rows.length - 1, index + PAGE_ROWS)], this.cursor.col);
        break;
      case "ArrowLeft":
        this.moveTo(this.cursor.row, Math.max(0, this.cursor.col - 1));
        break;
      case "ArrowRight":
        this.moveTo(this.cursor.row, Math.min(last, this.cursor.col + 1));
        break;
      case "Home":
        this.moveTo(ctrl ? rows[Math.min(2, rows.length - 1)] : this.cursor.row, 0);
        break;
      case "End":
        this.moveTo(ctrl ? rows[rows.length - 1] : this.cursor.row, last);
        break;
      case "Tab":
        this.tab(event.shiftKey ? -1 : 1);
        break;
      case "Enter":
      case "F2":
        this.activate();
        break;
      case "Escape":
        this.grid.blur();
        this.paintCursor();
        break;
      default:
        handled = false; // Space, the code keys, Ctrl+Z... go on to the page's keys
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  tab(direction) {
    const rows = [SORT_ROW, FILTER_ROW, ...this.shown];
    let index = rows.indexOf(this.cursor.row);
    let col = this.cursor.col + direction;
    if (col >= COLUMNS.length) {
      if (index >= rows.length - 1) return;
      index += 1;
      col = 0;
    } else if (col < 0) {
      if (index <= 0) return;
      index -= 1;
      col = COLUMNS.length - 1;
    }
    this.moveTo(rows[index], col);
  }

  // The cursor to a cell; a row of the coder's reached is chosen: selected, and the video paused
  // at its onset (another coder's row: the video only).
  moveTo(row, col) {
    const changed = row !== this.cursor.row;
    this.cursor = { row, col };
    this.paintCursor();
    if (!changed || row === SORT_ROW || row === FILTER_ROW) return;
    this.choose(row);
  }

  choose(item) {
    this.player.video.pause();
    this.player.seekFrame(this.player.frameAt(item.start_s));
    if (this.isOwn(item)) this.actions.select(item);
    this.paintCurrent(item);
  }

  clickCell(event, edit = false) {
    const cell = event.target.closest("td, th");
    if (!cell || this.editing) return;
    const col = COLUMNS.findIndex((c) => c.id === cell.dataset.col);
    const tr = cell.closest("tr");
    let row = null;
    if (tr.classList.contains("sort")) row = SORT_ROW;
    else if (tr.classList.contains("filter")) row = FILTER_ROW;
    else row = this.shown.find((item) => this.rowOf.get(item) === tr);
    if (!row || col < 0) return;
    this.grid.focus();
    this.moveTo(row, col);
    if (edit || row === SORT_ROW || row === FILTER_ROW) this.activate();
  }

  // Enter: sort by the column (header row), edit its filter (filter row) or edit the cell.
  activate() {
    const { row, col } = this.cursor;
    const column = COLUMNS[col];
    if (row === SORT_ROW) {
      this.sort = { col: column.id, dir: this.sort.col === column.id ? -this.sort.dir : 1 };
      this.render();
      return;
    }
    if (row === FILTER_ROW) {
      if (!column.filter) return this.say(`the table filters by tier, code and coder`, "bad");
      return this.startEdit(row, col, this.filters[column.id]);
    }
    if (!row) return;
    if (!this.isOwn(row))
      return this.say(`${this.coderOf(row)}'s annotations are read-only here`, "bad");
    if (!column.editable)
      return this.say(
        `the ${column.id} is not edited here (delete the annotation and code it again)`,
        "bad",
      );
    if (column.id === "offset" && !this.actions.isState(row))
      return this.say(`${row.code} is a point: it has no offset`, "bad");
    const initial =
      column.id === "onset" || column.id === "offset"
        ? this.text(row, column.id).replace("(open)", "")
        : this.text(row, column.id);
    this.startEdit(row, col, initial);
  }

  startEdit(row, col, initial) {
    const cell = this.cellAt(row, col);
    if (!cell) return;
    const input = el("input", {
      type: "text",
      class: "cell-edit",
      value: initial,
      "aria-label": `${COLUMNS[col].label}: Enter saves, Escape cancels`,
      maxlength: COLUMNS[col].id === "note" ? NOTE_MAX : 200,
    });
    this.editing = { row, col, input, cell };
    if (row !== FILTER_ROW) this.built.delete(row); // its cell holds the field now: drawn anew
    input.addEventListener("keydown", (event) => this.editKey(event));
    input.addEventListener("blur", () => this.commit(0));
    cell.replaceChildren(input);
    cell.classList.add("editing");
    input.focus();
    input.select();
  }

  editKey(event) {
    if (event.key === "Enter") this.commit(0);
    else if (event.key === "Tab") this.commit(event.shiftKey ? -1 : 1);
    else if (event.key === "Escape") this.cancel();
    else {
      event.stopPropagation(); // typing in the cell: no page key
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  cancel() {
    if (!this.editing) return;
    this.editing = null;
    this.grid.focus();
    this.render();
  }

  // Enter or Tab in a cell (or leaving it): the filter changes, or the edit is checked and sent
  // as one change; then the cursor moves on `move` cells (Tab).
  commit(move) {
    const editing = this.editing;
    if (!editing) return;
    this.editing = null;
    const { row, col, input } = editing;
    const column = COLUMNS[col];
    const text = input.value;
    if (row === FILTER_ROW) {
      this.filters[column.id] = text.trim();
      this.say("");
    } else if (!row.removed && this.isOwn(row)) {
      const answer = this.edits.changesFor(row, column.id, text);
      if (answer.error) this.say(answer.error, "bad");
      else {
        this.say("");
        const changes = answer.changes;
        if (Object.keys(changes).some((k) => changes[k] !== row[k]))
          this.annotations.action(() => this.annotations.update(row, changes));
      }
    }
    this.grid.focus();
    this.render();
    if (move) this.tab(move);
  }

  say(text, level = "info") {
    this.message.textContent = text;
    this.message.className = text ? level : "";
  }
}

// The table's and the timeline mouse's keys, for the help (?).
export function tableHelp() {
  const rows = [
    ["arrows, PageUp / PageDown", "table: move between cells (a row reached is selected)"],
    ["Enter", "table: edit the cell / save it; on the header: sort; on the filter row: filter"],
    ["Escape", "table: cancel the edit; again: back to coding"],
    ["Tab / Shift+Tab", "table: save and move on"],
    ["drag on a lane", "timeline: move a state's start or end, or a point; make a state"],
    ["Shift at release", "timeline: ask the code of the state made"],
  ];
  return el(
    "div",
    {},
    el("h3", {}, "Table and mouse"),
    el(
      "table",
      {},
      rows.map(([key, what]) => el("tr", {}, el("td", { class: "key" }, key), el("td", {}, what))),
    ),
  );
}
