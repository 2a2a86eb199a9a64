// What the coder's keys do to annotations: a point code marks the frame on screen; a state code
// starts there and, pressed again (or another state of its exclusive tier pressed), ends there.
// A selected annotation can be nudged by frames, given another code, or deleted.
// A state not yet ended is stored open (open: true, end = start) and shown as open on the
// timeline and in the list; a closed state of zero length is not open.

import { ATTRIBUTES_TIER } from "./attributes.js";
import { formatTime } from "./format.js";

export class Actions {
  constructor({ annotations, player, scheme, notify }) {
    this.annotations = annotations;
    this.player = player;
    this.scheme = scheme;
    this.notify = notify;
    this.selected = null;
    this.onSelect = () => {};
  }

  tier(name) {
    return this.scheme.tiers.find((t) => t.name === name);
  }

  codeOf(item) {
    return this.tier(item.tier)?.codes.find((c) => c.name === item.code);
  }

  isState(item) {
    return (this.codeOf(item)?.type ?? "state") === "state";
  }

  isOpen(item) {
    return this.isState(item) && Boolean(item.open);
  }

  openStates(tierName) {
    return this.annotations.list().filter((a) => a.tier === tierName && this.isOpen(a));
  }

  // The closed state on an exclusive tier that [start, end] would overlap, if any.
  clash(tierName, start, end, except = null) {
    const tier = this.tier(tierName);
    if (!tier || !tier.exclusive) return null;
    return this.annotations
      .list()
      .filter((a) => a !== except && a.tier === tierName && this.isState(a) && !this.isOpen(a))
      .find((a) =>
        end === start ? a.start_s <= start && start < a.end_s : start < a.end_s && a.start_s < end,
      );
  }

  refuse(message) {
    this.notify(message, "warn");
    return null;
  }

  codeKey(tierName, code) {
    const t = this.player.now();
    if (code.type === "point") {
      const twin = this.annotations
        .list()
        .find((a) => a.tier === tierName && a.code === code.name && a.start_s === t);
      if (twin) {
        this.select(twin);
        return this.refuse(`${code.name} is coded at ${formatTime(t)} already`);
      }
      let made = null;
      this.annotations.action(() => {
        made = this.annotations.add({ tier: tierName, code: code.name, start_s: t, end_s: t });
      });
      return this.select(made);
    }
    const same = this.openStates(tierName).find((a) => a.code === code.name);
    if (same) return this.endState(same, t);
    const tier = this.tier(tierName);
    const others = tier.exclusive ? this.openStates(tierName) : [];
    for (const other of others) {
      if (t <= other.start_s)
        return this.refuse(
          `${other.code} started at ${formatTime(other.start_s)}: move past it first`,
        );
    }
    const blocking = this.clash(tierName, t, t);
    if (blocking)
      return this.refuse(
        `${formatTime(t)} lies inside ${blocking.code}; states on ${tierName} are exclusive`,
      );
    let made = null;
    this.annotations.action(() => {
      for (const other of others) this.annotations.update(other, { end_s: t, open: false });
      made = this.annotations.add({
        tier: tierName,
        code: code.name,
        start_s: t,
        end_s: t,
        open: true,
      });
    });
    return this.select(made);
  }

  endState(item, t) {
    if (t <= item.start_s)
      return this.refuse(
        `the playhead is at or before the start of ${item.code}: play on, then press its key`,
      );
    const blocking = this.clash(item.tier, item.start_s, t, item);
    if (blocking)
      return this.refuse(
        `${item.code} would overlap ${blocking.code}; states on ${item.tier} are exclusive`,
      );
    this.annotations.action(() => this.annotations.update(item, { end_s: t, open: false }));
    return this.select(item);
  }

  // Every open state of the coder on this clip.
  allOpen() {
    return this.annotations.list().filter((a) => this.isOpen(a));
  }

  select(item) {
    this.selected = item;
    this.onSelect(item);
    return item;
  }

  // The coder's annotations in time order (clip attributes, on their own tab, left out).
  ownSorted() {
    return this.annotations
      .list()
      .filter((a) => a.tier !== ATTRIBUTES_TIER)
      .sort((a, b) => a.start_s - b.start_s || a.key - b.key);
  }

  selectNext(direction) {
    const items = this.ownSorted();
    if (!items.length) return null;
    let index = this.selected ? items.indexOf(this.selected) : -1;
    if (index < 0) {
      const now = this.player.now();
      index = direction > 0 ? items.findIndex((a) => a.start_s >= now) - 1 : items.length;
      if (index < -1) index = items.length - 1;
    }
    const next = items[(index + direction + items.length) % items.length];
    this.player.video.pause();
    this.player.seekFrame(this.player.frameAt(next.start_s));
    return this.select(next);
  }

  // The previous (-1) or next (+1) annotation on the selected annotation's tier, from the frame
  // on screen: selected, and the video moved to its start.
  jumpOnTier(direction) {
    const tier = this.selected && !this.selected.removed ? this.selected.tier : null;
    if (!tier) return this.refuse("select an annotation first: the jump stays on its tier");
    const now = this.player.now();
    const items = this.ownSorted().filter((a) => a.tier === tier);
    const next =
      direction > 0
        ? items.find((a) => a.start_s > now)
        : [...items].reverse().find((a) => a.start_s < now);
    if (!next) return this.refuse(`no ${direction > 0 ? "later" : "earlier"} annotation on ${tier}`);
    this.player.video.pause();
    this.player.seekFrame(this.player.frameAt(next.start_s));
    return this.select(next);
  }

  // Move the start (which = "start") or the end of the selected annotation by whole frames.
  nudge(which, frames) {
    const item = this.selected;
    if (!item || item.removed) return this.refuse("select an annotation first (click it, or Tab)");
    const moved = (t) => this.player.frameTime(this.player.frameAt(t) + frames);
    let changes;
    if (!this.isState(item) || this.isOpen(item)) {
      if (which === "end" && !this.isState(item))
        return this.refuse(`${item.code} is a point: it has no end to move`);
      const t = moved(item.start_s);
      changes = { start_s: t, end_s: t };
    } else if (which === "start") {
      changes = { start_s: Math.min(moved(item.start_s), item.end_s) };
    } else {
      changes = { end_s: Math.max(moved(item.end_s), item.start_s) };
    }
    const start = changes.start_s ?? item.start_s;
    const end = changes.end_s ?? item.end_s;
    if (start === item.start_s && end === item.end_s) return item;
    const blocking = this.isState(item) ? this.clash(item.tier, start, end, item) : null;
    if (blocking) return this.refuse(`${item.code} would overlap ${blocking.code}`);
    this.annotations.action(() => this.annotations.update(item, changes));
    return item;
  }

  change(changes) {
    const item = this.selected;
    if (!item || item.removed) return null;
    this.annotations.action(() => this.annotations.update(item, changes));
    return item;
  }

  deleteSelected() {
    const item = this.selected;
    if (!item || item.removed) return this.refuse("select an annotation to delete");
    this.annotations.action(() => this.annotations.remove(item));
    return this.select(null);
  }
}
