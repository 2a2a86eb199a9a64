// The checks of an edit typed into the annotation table (table.js): what a cell's new text
// changes in the annotation, or why it is refused, in the store's own terms (validation.py), so
// that a refused edit is never sent. Times are frame numbers or m:ss.fff, snapped to frames.

import { formatTime } from "./format.js";

const SEPARATOR = "|";
const NO_CHOICE = ["", "None"];
export const NOTE_MAX = 2000;

// What the coder typed for a time: a frame number ("120", "f120") or a time ("1:02.5", "2.5s",
// "2.5") -> {frame} or {seconds}; anything else -> null.
export function parseFrameOrTime(text) {
  const t = text.trim().toLowerCase();
  const frame = t.match(/^(?:f|#|frame\s*)?(\d+)$/);
  if (frame) return { frame: Number(frame[1]) };
  const clock = t.match(/^(?:(\d+):)?(\d+(?:\.\d*)?)\s*s?$/);
  if (!clock) return null;
  return { seconds: Number(clock[1] || 0) * 60 + Number(clock[2]) };
}

// Why `value` does not fit the code's modifier sets ('' when it does; the store's own check).
export function modifierProblem(value, code) {
  if (!value) return "";
  const sets = code.modifiers || [];
  if (!sets.length) return `${code.name} has no modifiers: leave it empty`;
  const parts = value.split(SEPARATOR);
  if (parts.length > sets.length)
    return `${parts.length} modifiers given; ${code.name} has ${sets.length} (${sets.map((s) => s.name).join(", ")}), joined by ${SEPARATOR}`;
  for (const [index, part] of parts.entries()) {
    const set = sets[index];
    if (!set.values.length) continue;
    for (const choice of part.split(",").map((c) => c.trim())) {
      if (!NO_CHOICE.includes(choice) && !set.values.includes(choice))
        return `'${choice}' is not in ${set.name} (${set.values.join(", ")})`;
    }
  }
  return "";
}

export class CellEdits {
  constructor({ annotations, actions, player }) {
    this.annotations = annotations;
    this.actions = actions;
    this.player = player;
  }

  frameFrom(text, what) {
    const target = parseFrameOrTime(text);
    if (!target)
      return {
        error: `cannot read '${text.trim()}' as the ${what}: give a frame number (120) or m:ss.fff`,
      };
    const last = this.player.frameCount - 1;
    if (target.frame !== undefined) {
      if (target.frame > last)
        return { error: `frame ${target.frame} is not in this clip (0-${last})` };
      return { frame: target.frame };
    }
    if (target.seconds > this.player.duration + 1e-6)
      return {
        error: `${formatTime(target.seconds)} is after the clip's end (${formatTime(this.player.duration)})`,
      };
    return { frame: this.player.frameAt(target.seconds) };
  }

  at(frame) {
    return `${formatTime(this.player.frameTime(frame))} (frame ${frame})`;
  }

  // The changes an edit of `col` to `text` makes, or why it is refused ({error}).
  changesFor(item, col, text) {
    const state = this.actions.isState(item);
    const open = this.actions.isOpen(item);
    if (col === "onset" || col === "offset") {
      const found = this.frameFrom(text, col);
      if (found.error) return found;
      const t = this.player.frameTime(found.frame);
      let changes;
      if (col === "onset") {
        if (!state || open) changes = { start_s: t, end_s: t };
        else if (t > item.end_s)
          return {
            error: `onset ${this.at(found.frame)} is after the offset ${this.at(this.player.frameAt(item.end_s))}`,
          };
        else changes = { start_s: t };
      } else {
        if (!state) return { error: `${item.code} is a point: it has no offset` };
        if (t < item.start_s)
          return {
            error: `offset ${this.at(found.frame)} is before the onset ${this.at(this.player.frameAt(item.start_s))}`,
          };
        changes = open ? { end_s: t, open: false } : { end_s: t };
      }
      const start = changes.start_s ?? item.start_s;
      const end = changes.end_s ?? item.end_s;
      if (state) {
        const blocking = this.actions.clash(item.tier, start, end, item);
        if (blocking)
          return {
            error: `${item.code} would overlap ${blocking.code} at ${formatTime(blocking.start_s)}; states on ${item.tier} are exclusive`,
          };
      } else {
        const twin = this.annotations
          .list()
          .find(
            (a) =>
              a !== item && a.tier === item.tier && a.code === item.code && a.start_s === start,
          );
        if (twin) return { error: `${item.code} is coded at ${formatTime(start)} already` };
      }
      return { changes };
    }
    const tier = this.actions.tier(item.tier);
    if (col === "code") {
      const wanted = text.trim();
      const low = wanted.toLowerCase();
      const code = tier?.codes.find(
        (c) =>
          c.name.toLowerCase() === low || (c.label || "").toLowerCase() === low || c.key === wanted,
      );
      if (!code) {
        const known = (tier?.codes || []).map((c) => c.name).join(", ");
        return { error: `'${wanted}' is not a code of tier ${item.tier} (codes: ${known})` };
      }
      const changes = { code: code.name };
      if (code.type === "point" && state) {
        if (open || item.end_s > item.start_s)
          return { error: `${code.name} is a point code: a state with an offset cannot become it` };
        changes.end_s = item.start_s;
      }
      const problem = modifierProblem(item.value || "", code);
      if (problem) return { error: `the modifier does not fit ${code.name}: ${problem}` };
      if (code.type === "state") {
        const blocking = this.actions.clash(item.tier, item.start_s, item.end_s, item);
        if (blocking && !this.actions.isState(item))
          return {
            error: `${code.name} would overlap ${blocking.code}; states on ${item.tier} are exclusive`,
          };
      }
      return { changes };
    }
    if (col === "modifier") {
      const value = text.trim().replace(/\|+$/, "");
      const code = this.actions.codeOf(item);
      const problem = code ? modifierProblem(value, code) : "";
      if (problem) return { error: problem };
      return { changes: { value } };
    }
    if (col === "note") {
      if (text.length > NOTE_MAX) return { error: `a note has at most ${NOTE_MAX} characters` };
      return { changes: { note: text } };
    }
    return { error: `the ${col} is not edited here` };
  }
}
