"""The coding records every part of the coding side speaks: annotations, media references, and
`CodingData` (a scheme with its annotations), which readers return and writers take.

Times are seconds (float) on the video's own time base. A point event has `end_s == start_s`.
`clip_sha256` is empty while the media an annotation belongs to is not at hand (an ELAN file that
points at a recording elsewhere); `media` then names it, and a clip can be attached later.
Format-specific details that a round trip must keep (ELAN annotation ids, time slot ids, BORIS
subjects) travel in `attrs`, a sorted tuple of (key, value) pairs, so records stay frozen and
hashable.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotate.coding.schemes import Scheme

Attrs = tuple[tuple[str, str], ...]

OPEN_ATTR = "open"
"""The attr that marks a state started in the coding tool and not ended yet (value "1"): its end
is its start until it is ended, and exports and reliability refuse to take it for a point."""

# The long table of annotations (design.md), one row per annotation: column names live here.
COL_CLIP = "clip"
COL_MEDIA = "media"
COL_CODER = "coder"
COL_SCHEME = "scheme"
COL_TIER = "tier"
COL_CODE = "code"
COL_START = "start"
COL_END = "end"
COL_DURATION = "duration"
COL_START_FRAME = "start_frame"
COL_END_FRAME = "end_frame"
COL_VALUE = "value"
COL_NOTE = "note"
COL_CREATED = "created"
COL_UPDATED = "updated"
COL_ATTRS = "attrs"
LONG_COLUMNS = (
    COL_CLIP,
    COL_MEDIA,
    COL_CODER,
    COL_SCHEME,
    COL_TIER,
    COL_CODE,
    COL_START,
    COL_END,
    COL_DURATION,
    COL_START_FRAME,
    COL_END_FRAME,
    COL_VALUE,
    COL_NOTE,
    COL_CREATED,
    COL_UPDATED,
    COL_ATTRS,
)


def make_attrs(values: Mapping[str, object] | None = None) -> Attrs:
    """Attrs from a mapping: keys sorted, values as text, empty and None values dropped."""
    if not values:
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in values.items() if v is not None and v != ""))


def attrs_to_json(attrs: Attrs) -> str:
    """Attrs as a JSON object ('' when there are none), for tables and the store."""
    return json.dumps(dict(attrs), ensure_ascii=False, sort_keys=True) if attrs else ""


def attrs_from_json(text: str) -> Attrs:
    """The inverse of `attrs_to_json`.

    Raises:
        ValueError: the text is not a JSON object.
    """
    if not text:
        return ()
    loaded = json.loads(text)
    if not isinstance(loaded, dict):
        raise ValueError("attrs must be a JSON object")
    return make_attrs(loaded)


@dataclass(frozen=True)
class Annotation:
    """One coded event or state on a clip.

    Attributes:
        clip_sha256: sha256 of the video file ('' while the media is not attached).
        coder: who coded it.
        tier: the scheme tier (e.g. 'infant_gaze').
        code: the code on that tier (for free-text tiers: the text).
        start_s: start in seconds on the video's time base.
        end_s: end in seconds (== start_s for a point event).
        value: modifier choices, one per modifier set, joined by '|' ('' for none).
        note: the coder's free note.
        scheme: the scheme's id, 'name@version' ('' when not yet known).
        media: the media reference the source file gave (file name or URL), '' if none.
        attrs: format details kept for round trips, sorted (key, value) pairs.
    """

    clip_sha256: str
    coder: str
    tier: str
    code: str
    start_s: float
    end_s: float
    value: str = ""
    note: str = ""
    scheme: str = ""
    media: str = ""
    attrs: Attrs = ()

    @property
    def duration_s(self) -> float:
        """end_s - start_s, in seconds (0 for a point event)."""
        return self.end_s - self.start_s

    @property
    def is_point(self) -> bool:
        """Whether this is a point event (zero duration)."""
        return self.end_s == self.start_s

    @property
    def is_open(self) -> bool:
        """Whether this is a state started and not ended yet (see OPEN_ATTR)."""
        return self.attr(OPEN_ATTR) == "1"

    def attr(self, key: str, default: str = "") -> str:
        """The value of one attr, or `default`."""
        for k, v in self.attrs:
            if k == key:
                return v
        return default

    def with_attrs(self, **values: str | None) -> Annotation:
        """A copy with attrs set (a None value removes the key)."""
        merged: dict[str, str | None] = dict(self.attrs)
        merged.update(values)
        return dataclasses.replace(self, attrs=make_attrs(merged))

    def replace(self, **changes: object) -> Annotation:
        """A copy with fields changed (dataclasses.replace, typed loosely for callers)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class MediaRef:
    """A media file a source file refers to.

    Attributes:
        url: absolute URL or path as the source gave it.
        relative_url: the URL relative to the source file, '' if none.
        mime_type: e.g. 'video/mp4' ('' if unknown).
        time_origin_s: where the annotation timeline's 0 lies in the media, in seconds
            (ELAN's TIME_ORIGIN): media time = annotation time + time_origin_s.
        extracted_from: the URL this media was extracted from (ELAN), '' if none.
        duration_s: the media's length in seconds, when the source says (BORIS), else None.
        part: the part of the source it belongs to (a BORIS observation id), '' for all.
    """

    url: str
    relative_url: str = ""
    mime_type: str = ""
    time_origin_s: float = 0.0
    extracted_from: str = ""
    duration_s: float | None = None
    part: str = ""

    @property
    def name(self) -> str:
        """The file name at the end of the URL or path."""
        tail = self.url.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        return tail or self.url


@dataclass(frozen=True)
class CodingData:
    """A scheme and the annotations made with it: what every reader returns.

    Attributes:
        scheme: the scheme the annotations follow (configured, or brought by the file).
        annotations: the annotations, in the source's order.
        media: the media files the source refers to (first: the main one).
        source: the file this came from ('' when built in memory).
        warnings: things a reader noticed and worked around (unpaired BORIS states...).
    """

    scheme: Scheme
    annotations: tuple[Annotation, ...] = ()
    media: tuple[MediaRef, ...] = ()
    source: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def media_name(self) -> str:
        """The main media file's name, '' when the source names none."""
        return self.media[0].name if self.media else ""


def open_states_message(annotations: Iterable[Annotation], where: str) -> str | None:
    """A one-line refusal naming the states not ended yet among `annotations`, or None."""
    found = [a for a in annotations if a.is_open]
    if not found:
        return None
    named = ", ".join(f"{a.coder} {a.tier}:{a.code} from {a.start_s:.3f} s" for a in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return (
        f"{where}: {len(found)} state(s) started and not ended ({named}{more}); end or delete "
        "them in the coding tool first (an open state would count as a point)"
    )
