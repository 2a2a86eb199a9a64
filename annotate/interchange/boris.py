"""BORIS projects (.boris, JSON) to coding records.

The ethogram becomes a scheme: one tier per subject (events without one go on the tier 'No focal
subject', BORIS's own label), each behaviour a code (point or state) with its modifier sets;
independent variables become scheme attributes, and each observation's values attribute
annotations at time 0. Observations become parts of the data (attr 'part' = observation id): point
events become point annotations, state events are paired START/STOP per subject, behaviour and
modifiers. A state left open at the end of an observation is closed at the observation's end
(its media length, else its last event) and reported in `warnings`.

Times stay on the observation's timeline. Player 1's media files play one after another, so each
file gets a `MediaRef` whose time_origin_s is minus its start on that timeline (media time =
observation time + time_origin_s, as ELAN's TIME_ORIGIN), and each annotation names the file it
falls in. Older projects write five fields per event (time, subject, code, modifiers, comment),
newer ones six (plus a frame index, kept as attr 'boris.frame').
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate import budgets
from annotate.coding.records import Annotation, CodingData, MediaRef, make_attrs
from annotate.coding.schemes import (
    ATTRIBUTES_TIER,
    POINT,
    STATE,
    Attribute,
    Code,
    ModifierSet,
    Scheme,
    Tier,
)
from annotate.errors import InterchangeError
from annotate.interchange.times import seconds_value
from annotate.io.file_bytes import read_limited

NO_SUBJECT = "No focal subject"
_KEY_SUFFIX = re.compile(r"\s*\([^()]\)\s*$")


@dataclass(frozen=True)
class Event:
    """One BORIS event: observation time (s), subject, behaviour, modifiers, comment."""

    time_s: float
    subject: str
    code: str
    modifiers: str = ""
    comment: str = ""
    frame: str = ""
    status: str = ""  # START / STOP / POINT when an export says; '' in projects (toggled)
    media: str = ""
    where: str = ""  # for messages: 'observation X, event 3' or 'line 12'


def clean_modifier(value: str) -> str:
    """A modifier value without BORIS's key suffix and spaces ('a    (a)' -> 'a')."""
    return _KEY_SUFFIX.sub("", value).strip()


def _mapping(value: object, what: str, path: Path) -> dict[str, Any]:
    """`value` as a mapping ({} for null), else an error naming `what`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InterchangeError(f"{what} must be a mapping, got {_shown(value)}", path)
    return value


def _shown(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'...' if len(text) > 40 else ''}"


def _order(key: object) -> int:
    text = str(key)
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _modifier_sets(raw: object, what: str, path: Path) -> tuple[ModifierSet, ...]:
    if not isinstance(raw, dict):
        return ()
    sets = []
    for key in sorted(raw, key=_order):
        item = _mapping(raw[key], f"{what}, modifier set {key}", path)
        if not isinstance(item.get("values", ()), list | tuple):
            raise InterchangeError(f"{what}, modifier set {key}: 'values' must be a list", path)
        values = (
            ()
            if item.get("type") == 2
            else tuple(clean_modifier(str(v)) for v in item.get("values", ()))
        )
        sets.append(ModifierSet(name=str(item.get("name", key)).strip(), values=values))
    return tuple(sets)


def _is_state(kind: str) -> bool:
    return "state" in kind.lower()


def _ethogram(project: dict[str, Any], path: Path) -> list[Code]:
    raw = project.get("behaviors_conf") or {}
    if not isinstance(raw, dict):
        raise InterchangeError("'behaviors_conf' is not a mapping", path)
    codes: dict[str, Code] = {}
    for index in sorted(raw, key=_order):
        item = raw[index]
        if not isinstance(item, dict) or not str(item.get("code") or "").strip():
            raise InterchangeError(f"behaviors_conf entry {index} has no 'code'", path)
        codes[str(item["code"])] = Code(
            name=str(item["code"]),
            type=STATE if _is_state(str(item.get("type", ""))) else POINT,
            key=str(item.get("key") or "") or None,
            description=str(item.get("description", "")),
            modifiers=_modifier_sets(item.get("modifiers"), f"behaviors_conf entry {index}", path),
        )
    return list(codes.values())


def build_scheme(
    name: str,
    codes: Sequence[Code],
    subjects: Sequence[str],
    attributes: Sequence[Attribute],
    source: Path,
    meta: dict[str, Any],
) -> Scheme:
    """The scheme of a BORIS project or export: a tier per subject, every behaviour on each.

    Keys are kept only when there is a single tier (BORIS picks the subject separately, so one
    behaviour key would otherwise mark the same code on several tiers).
    """
    single = len(subjects) == 1
    tier_codes = tuple(c if single else dataclasses.replace(c, key=None) for c in codes)
    tiers = tuple(Tier(name=s, role=s, codes=tier_codes, exclusive=False) for s in subjects)
    draft = Scheme(
        name=f"boris:{name}",
        version="0",
        tiers=tiers,
        attributes=tuple(attributes),
        description=f"brought by the BORIS file {source.name}",
        source=f"import:{source}",
        meta={"boris": meta},
    )
    return dataclasses.replace(draft, version=draft.digest()[:12])


def pair_events(
    events: Iterable[Event], codes: dict[str, Code], end_s: float, base: dict[str, str]
) -> tuple[list[Annotation], list[str]]:
    """Annotations from time-ordered events: points as they are, states from START/STOP pairs.

    Args:
        events: the events of one observation, in time order.
        codes: the ethogram by code (a code not in it counts as a point event).
        end_s: where a state still open at the end is closed (seconds).
        base: attrs every annotation gets (e.g. {'part': observation id}).

    Returns:
        The annotations (in start order) and warnings about open states.
    """
    open_states: dict[tuple[str, str, str], Event] = {}
    result: list[tuple[float, int, Annotation]] = []
    warnings = []

    def annotation(start: Event, end_time: float, extra: dict[str, str]) -> Annotation:
        return Annotation(
            clip_sha256="",
            coder="",
            tier=start.subject or NO_SUBJECT,
            code=start.code,
            start_s=start.time_s,
            end_s=end_time,
            value="" if start.modifiers in ("", "None") else start.modifiers,
            note=start.comment,
            media=start.media,
            attrs=make_attrs({**base, "boris.frame": start.frame, **extra}),
        )

    for order, event in enumerate(events):
        code = codes.get(event.code)
        is_state = event.status in ("START", "STOP") or (
            not event.status and code is not None and code.type == STATE
        )
        if not is_state:
            result.append((event.time_s, order, annotation(event, event.time_s, {})))
            continue
        key = (event.subject, event.code, event.modifiers)
        start = open_states.pop(key, None)
        if start is None:
            if event.status == "STOP":
                warnings.append(f"{event.where}: STOP of '{event.code}' without a START, skipped")
                continue
            open_states[key] = event
            continue
        result.append(
            (
                start.time_s,
                order,
                annotation(start, event.time_s, {"boris.stop_comment": event.comment}),
            )
        )
    for start in open_states.values():
        warnings.append(
            f"{start.where}: state '{start.code}' ({start.subject or NO_SUBJECT}) started at "
            f"{start.time_s:.3f} s is never stopped; closed at {end_s:.3f} s"
        )
        result.append(
            (
                start.time_s,
                len(result),
                annotation(start, max(end_s, start.time_s), {"boris.unpaired": "1"}),
            )
        )
    result.sort(key=lambda item: (item[0], item[1]))
    return [a for _, _, a in result], warnings


def _player_files(observation: dict[str, Any], where: str, path: Path) -> dict[str, list[str]]:
    files = observation.get("file") or {}
    if not isinstance(files, dict):
        return {}
    for player, names in files.items():
        if isinstance(names, list) and not all(isinstance(n, str) for n in names):
            raise InterchangeError(f"{where}: player {player}'s files must be file names", path)
    return {str(k): list(v) for k, v in files.items() if isinstance(v, list)}


def _media(observation: dict[str, Any], part: str, path: Path) -> list[MediaRef]:
    where = f"observation '{part}'"
    info = _mapping(observation.get("media_info"), f"{where}: 'media_info'", path)
    lengths = _mapping(info.get("length"), f"{where}: media_info 'length'", path)
    offsets = _mapping(info.get("offset"), f"{where}: media_info 'offset'", path)

    def seconds(value: object, what: str) -> float:
        return seconds_value(value, f"{where}: {what}", path, allow_negative=True)

    time_offset = seconds(observation.get("time offset") or 0.0, "'time offset'")
    media = []
    for player, files in sorted(_player_files(observation, where, path).items()):
        offset = seconds(offsets.get(player) or 0.0, f"offset of player {player}")
        start = time_offset + (offset if player != "1" else 0.0)
        for name in files:
            length = lengths.get(name)
            duration = None if length is None else seconds(length, f"length of '{name}'")
            media.append(
                MediaRef(
                    url=name,
                    time_origin_s=-start if start else 0.0,
                    duration_s=duration,
                    part=part if player == "1" else f"{part}#player{player}",
                )
            )
            start += duration or 0.0
    return media


def _media_at(time_s: float, media: Sequence[MediaRef]) -> str:
    chosen = ""
    for m in media:
        if time_s + m.time_origin_s >= -1e-9 or not chosen:
            chosen = m.name
    return chosen


def _observation_events(
    observation: dict[str, Any], obs_id: str, media: list[MediaRef], path: Path
) -> list[Event]:
    events = []
    raw_events = observation.get("events") or []
    if not isinstance(raw_events, list):
        raise InterchangeError(
            f"observation '{obs_id}': 'events' must be a list, got {_shown(raw_events)}", path
        )
    for index, raw in enumerate(raw_events):
        where = f"observation '{obs_id}', event {index + 1}"
        if not isinstance(raw, list) or len(raw) < 3:
            raise InterchangeError(
                f"{where}: expected [time, subject, code, modifiers, comment], got {_shown(raw)}",
                path,
            )
        if any(isinstance(v, dict | list) for v in raw):
            raise InterchangeError(f"{where}: a field is a list or mapping, not a value", path)
        time_s = seconds_value(raw[0], f"{where}: time", path)
        if not str(raw[2] or "").strip():
            raise InterchangeError(f"{where}: the behaviour code is empty", path)
        fields = [*raw, "", "", ""]
        events.append(
            Event(
                time_s,
                str(fields[1] or ""),
                str(fields[2]),
                str(fields[3] or ""),
                str(fields[4] or ""),
                "" if len(raw) < 6 else str(raw[5]),
                media=_media_at(time_s, media),
                where=where,
            )
        )
    events.sort(key=lambda e: e.time_s)
    return events


def _attributes(project: dict[str, Any], path: Path) -> list[Attribute]:
    kinds = {"numeric": "number", "text": "text", "value from set": "choice"}
    attributes = []
    for key, raw in _mapping(
        project.get("independent_variables"), "'independent_variables'", path
    ).items():
        raw = _mapping(raw, f"independent variable {key}", path)
        if not str(raw.get("label") or "").strip():
            raise InterchangeError(f"independent variable {key} has no 'label'", path)
        values = tuple(
            v.strip() for v in str(raw.get("possible values", "")).split(",") if v.strip()
        )
        kind = kinds.get(str(raw.get("type", "text")), "text")
        attributes.append(
            Attribute(
                name=str(raw["label"]),
                type=kind if kind != "choice" or values else "text",
                values=values if kind == "choice" else (),
                description=str(raw.get("description", "")),
            )
        )
    return attributes


def _load_json(path: Path) -> Any:
    """The project's JSON, within budgets.TEXT_MAX_BYTES (NaN and Infinity are read as floats
    and refused where they stand, as times)."""
    data = read_limited(path, budgets.TEXT_MAX_BYTES, InterchangeError)
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InterchangeError("not a UTF-8 text file (is it a BORIS project?)", path) from None
    except json.JSONDecodeError as exc:
        raise InterchangeError(
            f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})", path
        ) from None
    except ValueError as exc:  # a 5000-digit number
        raise InterchangeError(f"not a valid BORIS project ({exc})", path) from None
    except RecursionError:
        raise InterchangeError("JSON nested too deep for a BORIS project", path) from None


def read_boris(path: Path | str, coder: str = "") -> CodingData:
    """Read a BORIS project: every observation, as parts of one CodingData.

    Args:
        path: the .boris file.
        coder: the coder to put on every annotation (BORIS records none).

    Raises:
        InterchangeError: not JSON, not a BORIS project, or an event of the wrong shape; the
            message names the observation and event (or the JSON line) at fault.
    """
    path = Path(path)
    project = _load_json(path)
    if not isinstance(project, dict) or not isinstance(project.get("observations"), dict):
        raise InterchangeError("not a BORIS project (no 'observations' mapping)", path)
    codes = _ethogram(project, path)
    by_code = {c.name: c for c in codes}
    attributes = _attributes(project, path)
    annotations: list[Annotation] = []
    media: list[MediaRef] = []
    warnings: list[str] = []
    for obs_id, observation in project["observations"].items():
        observation = _mapping(observation, f"observation '{obs_id}'", path)
        obs_media = _media(observation, obs_id, path)
        media += obs_media
        events = _observation_events(
            observation, obs_id, [m for m in obs_media if m.part == obs_id], path
        )
        main = [m for m in obs_media if m.part == obs_id]
        end = sum(m.duration_s or 0.0 for m in main) or max((e.time_s for e in events), default=0.0)
        paired, notes = pair_events(events, by_code, end, {"part": obs_id})
        warnings += notes
        annotations += paired
        values = _mapping(
            observation.get("independent_variables"),
            f"observation '{obs_id}': 'independent_variables'",
            path,
        )
        for attribute in attributes:
            value = values.get(attribute.name, "")
            if isinstance(value, dict | list):
                raise InterchangeError(
                    f"observation '{obs_id}': independent variable '{attribute.name}' must be "
                    "a value",
                    path,
                )
            value = str(value if value is not None else "").strip()
            if value:
                annotations.append(
                    Annotation(
                        "",
                        "",
                        ATTRIBUTES_TIER,
                        attribute.name,
                        0.0,
                        0.0,
                        value=value,
                        media=main[0].name if main else "",
                        attrs=make_attrs({"part": obs_id}),
                    )
                )
    used = {a.tier for a in annotations if a.tier != ATTRIBUTES_TIER}
    subjects = [
        str(_mapping(s, f"subjects_conf entry {k}", path).get("name"))
        for k, s in _mapping(project.get("subjects_conf"), "'subjects_conf'", path).items()
    ]
    subjects += [NO_SUBJECT] if NO_SUBJECT in used or not subjects else []
    subjects += sorted(used - set(subjects))
    unknown = sorted({a.code for a in annotations if a.tier != ATTRIBUTES_TIER} - set(by_code))
    codes += [Code(name=c, type=POINT) for c in unknown]
    meta = {
        "project_name": project.get("project_name", ""),
        "format": project.get("project_format_version", ""),
    }
    scheme = build_scheme(
        str(project.get("project_name") or path.stem), codes, subjects, attributes, path, meta
    )
    annotations = [dataclasses.replace(a, coder=coder, scheme=scheme.id) for a in annotations]
    return CodingData(scheme, tuple(annotations), tuple(media), str(path), tuple(warnings))
