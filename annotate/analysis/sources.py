"""Gathering what is known about one recording: the store's annotations and mechanism events, a
CSV log of events, and the extraction outputs.

The recording is identified by its sha256 (as in the store). The project database is the one
given, else `annotate.sqlite` beside the recording (without one, there are no manual annotations).
The extraction outputs are the folder given, or its sub-folder named after the recording (see
annotate.analysis.study_manifest.outputs_folder). Session attributes stored on the recording
(`programme`, `session_number`) fill in a programme and session not given otherwise. A coder's
swap of the recording's mother and infant (annotate.coding.clip_roles) is applied to the features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotate.analysis.alignment import SessionInput
from annotate.analysis.clip_features import ClipFeatures, read_clip_features
from annotate.analysis.events import (
    MechanismEvent,
    is_mechanism_annotation,
    read_event_csv,
)
from annotate.analysis.study_manifest import outputs_folder
from annotate.coding.clip_roles import ClipRoles, clip_roles
from annotate.coding.clips import ClipRef, default_db_path
from annotate.coding.records import Annotation
from annotate.coding.schemes import ATTRIBUTES_TIER, Scheme
from annotate.coding.store import AnnotationStore, StoredAnnotation
from annotate.errors import AlignmentError, InterchangeError
from annotate.media.video import probe
from annotate.study.mechanisms import MechanismCatalogue
from annotate.timeline.intervals import Interval
from annotate.timeline.timebase import TimeMap

PROGRAMME_ATTRIBUTE, SESSION_ATTRIBUTE = "programme", "session_number"


@dataclass(frozen=True)
class SourceOptions:
    """Where a recording's annotations, events and features are.

    Attributes:
        db: The project database (None: annotate.sqlite beside the recording, if there is one).
        features: An extraction output folder, or a folder of them (None: no features).
        events_csv: A CSV log of mechanism events (None: the store's events only).
        time_map: Maps the log's times onto the recording (None: they are the recording's).
        coder: Only this coder's annotations and events (None: everyone's).
    """

    db: Path | None = None
    features: Path | None = None
    events_csv: Path | None = None
    time_map: TimeMap | None = None
    coder: str | None = None


@dataclass(frozen=True)
class RecordingSources:
    """What is known about one recording.

    Attributes:
        clip: The recording as the store knows it (sha256, name, duration, frame rate, path).
        clip_id: Its name in tables (the manifest's id, else the file name without extension).
        programme, session, dyad: Its study metadata ("" when unknown).
        annotations: Manual annotations (mechanism events and attributes left out).
        events: Mechanism events, from the store and the CSV log.
        features: The extraction outputs, or None.
        schemes: The schemes of the stored annotations.
        notes: What was missing, for the user (no database, no features...).
    """

    clip: ClipRef
    clip_id: str
    programme: str = ""
    session: str = ""
    dyad: str = ""
    annotations: tuple[Annotation, ...] = ()
    events: tuple[MechanismEvent, ...] = ()
    features: ClipFeatures | None = None
    schemes: tuple[Scheme, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def span(self) -> Interval:
        """The recording's span: 0 to its duration, seconds."""
        return Interval(0.0, self.clip.duration_s or 0.0)

    def session_input(self) -> SessionInput:
        """The recording as the alignment takes it."""
        return SessionInput(
            self.clip_id,
            self.programme,
            self.session,
            self.span,
            self.events,
            self.annotations,
            self.features,
        )


def _clip(recording: Path, hashed: bool) -> ClipRef:
    """The recording as the store knows it; its sha256 (a read of the whole file) only when a
    store is there to look it up in."""
    if hashed:
        return ClipRef.from_video(recording)
    info = probe(recording, with_hash=False)
    return ClipRef("", info.path.name, info.duration_s or None, info.fps, str(info.path.resolve()))


def _stored(
    clip: ClipRef, db: Path | None, coder: str | None, notes: list[str]
) -> tuple[list[StoredAnnotation], list[Scheme], str, ClipRoles]:
    if db is None:
        notes.append(f"no project database beside {clip.name}: no annotations from the store")
        return [], [], "", ClipRoles()
    with AnnotationStore(db, create=False) as store:
        stored = store.annotations(clip_sha256=clip.sha256, coder=coder)
        refs = list(dict.fromkeys(s.annotation.scheme for s in stored))
        schemes = [store.scheme(ref) for ref in refs]
        roles = clip_roles(store, clip.sha256)
    if not stored:
        notes.append(f"no annotations of {clip.name} in {db}")
    if roles.swapped:
        notes.append(
            f"mother and infant of {clip.name} swapped in the features, as {roles.coder} said "
            f"({roles.updated})"
        )
    return stored, schemes, db.name, roles


def _attribute(annotations: list[Annotation], name: str) -> str:
    values = {a.value for a in annotations if a.tier == ATTRIBUTES_TIER and a.code == name}
    return values.pop() if len(values) == 1 else ""


def load_sources(
    recording: Path,
    catalogue: MechanismCatalogue,
    options: SourceOptions,
    *,
    clip_id: str = "",
    programme: str = "",
    session: str = "",
    dyad: str = "",
) -> RecordingSources:
    """Gather a recording's annotations, mechanism events and features.

    Args:
        recording: The video file.
        catalogue: The mechanisms (event codes must be among them).
        options: Where the sources are.
        clip_id: Its name in tables (default: the file name without extension). Given (as for
            a manifest's rows), its extraction outputs must be in `features/<clip_id>/`; not
            given, `features` may also be the recording's own output folder.
        programme, session, dyad: Study metadata (programme and session default to the stored
            session attributes).

    Raises:
        VideoError: the recording cannot be read; StoreError: a database given cannot be opened;
        InterchangeError: the CSV log or the extraction outputs are malformed.
    """
    db: Path | None = options.db if options.db is not None else default_db_path(recording)
    if options.db is None and db is not None and not db.exists():
        db = None
    clip = _clip(recording, hashed=db is not None)
    if not clip.duration_s:
        raise AlignmentError(
            "the container gives no duration; cannot place events on it", recording
        )
    notes: list[str] = []
    rows, schemes, db_name, roles = _stored(clip, db, options.coder, notes)
    stored = [s.annotation for s in rows]
    programme = programme or _attribute(stored, PROGRAMME_ATTRIBUTE)
    session = session or _attribute(stored, SESSION_ATTRIBUTE)
    events = [
        MechanismEvent(
            s.annotation.code,
            s.annotation.start_s,
            s.annotation.end_s,
            s.annotation.coder,
            f"annotation {s.id} in {db_name}",
            s.annotation.note,
        )
        for s in rows
        if is_mechanism_annotation(s.annotation, catalogue)
    ]
    if options.events_csv is not None:
        events += read_event_csv(
            options.events_csv, catalogue, options.time_map, programme, session
        )
    manual = tuple(
        a for a in stored if a.tier != ATTRIBUTES_TIER and not is_mechanism_annotation(a, catalogue)
    )
    features = None
    if options.features is not None:
        folder = outputs_folder(
            options.features, clip_id or recording.stem, recording.stem, itself=not clip_id
        )
        if folder is None:
            raise InterchangeError(
                f"holds no extraction outputs for {recording.name} (looked for features.parquet "
                f"here and in {clip_id or recording.stem}/)",
                options.features,
            )
        features = read_clip_features(folder, roles_swapped=roles.swapped)
    return RecordingSources(
        clip=clip,
        clip_id=clip_id or recording.stem,
        programme=programme,
        session=session,
        dyad=dyad,
        annotations=manual,
        events=tuple(events),
        features=features,
        schemes=tuple(schemes),
        notes=tuple(notes),
    )
