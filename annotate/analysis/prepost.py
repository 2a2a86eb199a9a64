"""Before and after the programme: each dyad's figures from its pre and post clips, and the change.

The manifest (annotate.analysis.study_manifest) pairs each dyad's `pre` and `post` clips. For
each clip:

- features from its extraction's summary.json (`FEATURES_DIR/<clip id>/`), the one ordered
  list of a clip's figures (annotate.extract.summary.CLIP_FIGURES, which the batch's clips.csv
  shares): analysed seconds;
  the shares of time with mutual gaze, without it, and where it cannot be told; mutual gaze
  episodes, longest, total and episodes per minute; infant gaze aversion episodes, longest,
  total and per minute; per role (mother, infant) the shares of time visible, looking at the
  partner, looking elsewhere, where it looks unknown, and smiling, and the mean absolute head
  yaw (degrees), and face-absent episodes, longest and total; when a coder swapped the clip's
  mother and infant (annotate.coding.clip_roles), the per-role figures change places and the
  infant gaze aversion figures are left empty (they were found on the other face);
- CARE-Index totals from the store (the clip is found by its sha256: from the video file when it
  is at hand, else from summary.json): each partner's pattern totals (0-14) and the synchrony
  score, from complete sheets (the mean when several coders scored it; `--coder` picks one), with
  the synchrony band.

One row per dyad: `dyad, programme, pre_clip, post_clip`, then `<figure>_pre, <figure>_post,
<figure>_change` (post - pre) for each figure, `care_band_pre, care_band_post, care_coders_pre,
care_coders_post`, then the covariates given (CSV files with a `dyad` column, e.g. EPDS and PSI
scores), joined by dyad. A missing clip, extraction or sheet leaves its cells empty, with a note.
`annotate batch` writes the same table as its prepost.csv (`dyad_row`), without the CARE-Index
figures (a batch has no store).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from annotate.analysis.study_manifest import StudyManifest, outputs_folder
from annotate.coding.care_index import CareIndexConfig, CareSheet, load_care_index
from annotate.coding.care_store import all_sheets
from annotate.coding.clip_roles import ClipRoles, clip_roles
from annotate.coding.clips import default_db_path
from annotate.coding.store import AnnotationStore
from annotate.errors import ConfigError, InterchangeError
from annotate.extract.folder import PROVENANCE_JSON, SUMMARY_JSON
from annotate.extract.summary import ClipSummary
from annotate.io.file_hash import file_sha256
from annotate.study.manifest_rows import (
    PHASES as PHASES,  # the batch's pre/post table takes them here
)
from annotate.study.manifest_rows import ManifestRow


@dataclass(frozen=True)
class ClipFigures:
    """One clip's figures.

    Attributes:
        clip_id: The clip's name.
        programme: Its programme ("" where not given).
        figures: Name -> value (NaN where unknown), features then CARE-Index totals.
        care_band: The synchrony band ("" without a complete sheet).
        care_coders: How many complete sheets were averaged.
    """

    clip_id: str
    programme: str
    figures: dict[str, float]
    care_band: str = ""
    care_coders: int = 0


@dataclass(frozen=True)
class PrepostResult:
    """The per-dyad table and the notes on what was missing."""

    table: pd.DataFrame
    notes: tuple[str, ...]


def _number(value: Any) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    )


def summary_figures(summary: ClipSummary) -> dict[str, float]:
    """The figures of a summary.json, ClipSummary.figures() in its order (the one list the
    batch's clips.csv shares); NaN where one is missing."""
    return {name: _number(value) for name, value in summary.figures().items()}


def swapped_figures(figures: dict[str, float]) -> dict[str, float]:
    """A clip's figures with mother and infant swapped (a coder's correction of its roles): the
    per-role figures change places; the infant gaze aversion figures, found on the face now
    known to be the mother's, are unknown (NaN)."""
    out = dict(figures)
    for name in figures:
        partner = f"infant_{name.removeprefix('mother_')}"
        if name.startswith("mother_") and partner in figures:  # every figure of both roles
            out[name], out[partner] = figures[partner], figures[name]
    for name in out:
        if name.startswith("infant_gaze_aversion_"):
            out[name] = math.nan
    return out


def care_figures(
    sheets: Sequence[CareSheet], config: CareIndexConfig
) -> tuple[dict[str, float], str, int]:
    """Mean pattern totals and synchrony of the complete sheets, the band, how many sheets."""
    complete = [s for s in sheets if s.is_complete(config)]
    names = [f"care_{p}_{q}" for p, patterns in config.partners.items() for q in patterns]
    if not complete:
        return dict.fromkeys([*names, "care_synchrony"], math.nan), "", 0
    totals = [
        [s.totals(config)[p][q] for p, patterns in config.partners.items() for q in patterns]
        for s in complete
    ]
    means = np.mean(np.array(totals, dtype=np.float64), axis=0)
    figures = dict(zip(names, (float(v) for v in means), strict=True))
    synchrony = float(np.mean([s.synchrony(config) or 0.0 for s in complete]))
    figures["care_synchrony"] = synchrony
    return figures, config.band(synchrony), len(complete)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InterchangeError(f"cannot be read as JSON: {exc}", path) from None
    return loaded if isinstance(loaded, dict) else None


def _read_summary(path: Path) -> ClipSummary | None:
    """The clip summary in `path`, None when there is none (a malformed one raises)."""
    return ClipSummary.from_json(path) if path.is_file() else None


def _clip_sha256(row: ManifestRow, folder: Path | None, notes: list[str]) -> str:
    recorded = ""
    if folder is not None:
        summary = _read_summary(folder / SUMMARY_JSON) or ClipSummary()
        provenance = _read_json(folder / PROVENANCE_JSON) or {}
        recorded = str(summary.video_sha256 or (provenance.get("video") or {}).get("sha256") or "")
    if row.path.is_file():
        actual = file_sha256(row.path)
        if recorded and recorded != actual:
            notes.append(f"{row.line}: the features of {row.clip_id} come from another file")
        return actual
    return recorded


class _Stores:
    """The project databases, opened once each (the one given, or each clip's own)."""

    def __init__(self, db: Path | None) -> None:
        self.db = db
        self.sheets: dict[Path, list[CareSheet]] = {}
        self.roles: dict[Path, dict[str, ClipRoles]] = {}

    def roles_of(self, row: ManifestRow, sha256: str) -> ClipRoles:
        """A coder's swap of the clip's mother and infant, if any (annotate.coding.clip_roles)."""
        path = self.db if self.db is not None else default_db_path(row.path)
        if path not in self.roles:
            self.roles[path] = {}
            if path.exists():
                with AnnotationStore(path, create=False) as store:
                    for clip in store.clips():
                        if clip.sha256:
                            self.roles[path][clip.sha256] = clip_roles(store, clip.sha256)
        return self.roles[path].get(sha256, ClipRoles())

    def sheets_of(self, row: ManifestRow, sha256: str, coder: str | None) -> list[CareSheet]:
        path = self.db if self.db is not None else default_db_path(row.path)
        if path not in self.sheets:
            if not path.exists() and self.db is None:
                self.sheets[path] = []
            else:
                with AnnotationStore(path, create=False) as store:
                    self.sheets[path] = all_sheets(store)
        return [
            s
            for s in self.sheets[path]
            if s.clip_sha256 == sha256 and (coder is None or s.coder == coder)
        ]


def clip_figures(
    row: ManifestRow,
    features_dir: Path,
    stores: _Stores,
    config: CareIndexConfig,
    coder: str | None,
    notes: list[str],
) -> ClipFigures:
    """One clip's features and CARE-Index figures (NaN where missing, with a note)."""
    folder = outputs_folder(features_dir, row.clip_id, row.path.stem)
    summary = _read_summary(folder / SUMMARY_JSON) if folder is not None else None
    if summary is None:
        notes.append(f"{row.line}: no summary.json for {row.clip_id} under {features_dir}")
    figures = summary_figures(summary or ClipSummary())
    sha256 = _clip_sha256(row, folder, notes)
    roles = stores.roles_of(row, sha256) if sha256 else ClipRoles()
    if roles.swapped:
        figures = swapped_figures(figures)
        notes.append(
            f"{row.line}: mother and infant of {row.clip_id} swapped, as {roles.coder} said: "
            "role figures swapped, infant gaze aversion left empty (it was found on the "
            "other face; extract again)"
        )
    sheets = stores.sheets_of(row, sha256, coder) if sha256 else []
    care, band, coders = care_figures(sheets, config)
    if not coders:
        notes.append(f"{row.line}: no complete CARE-Index sheet for {row.clip_id}")
    return ClipFigures(row.clip_id, row.programme, {**figures, **care}, band, coders)


def _pairs(manifest: StudyManifest) -> dict[str, dict[str, ManifestRow]]:
    pairs: dict[str, dict[str, ManifestRow]] = {}
    for row in manifest.clips():
        if not row.dyad:
            raise ConfigError(f"{row.line}: a {row.phase} clip needs a dyad", manifest.source)
        earlier = pairs.setdefault(row.dyad, {}).get(row.phase)
        if earlier is not None:
            raise ConfigError(
                f"{row.line}: dyad {row.dyad!r} has a {row.phase} clip at {earlier.line} already",
                manifest.source,
            )
        pairs[row.dyad][row.phase] = row
    if not pairs:
        raise ConfigError("no clips with a phase (pre or post) and a dyad", manifest.source)
    return pairs


def dyad_row(dyad: str, clips: Mapping[str, ClipFigures]) -> dict[str, object]:
    """One dyad's row of the before/after table (the columns of the module docstring), from its
    clips by phase; a missing phase leaves its cells empty. `annotate export prepost` and the
    batch's prepost.csv both build their rows here."""
    pre, post = clips.get("pre"), clips.get("post")
    first = pre or post
    names = list((first.figures if first else {}).keys())
    record: dict[str, object] = {
        "dyad": dyad,
        "programme": (pre.programme if pre else "") or (post.programme if post else ""),
        "pre_clip": pre.clip_id if pre else "",
        "post_clip": post.clip_id if post else "",
    }
    for name in names:
        before = pre.figures[name] if pre else math.nan
        after = post.figures[name] if post else math.nan
        record |= {f"{name}_pre": before, f"{name}_post": after, f"{name}_change": after - before}
    record |= {
        "care_band_pre": pre.care_band if pre else "",
        "care_band_post": post.care_band if post else "",
        "care_coders_pre": pre.care_coders if pre else 0,
        "care_coders_post": post.care_coders if post else 0,
    }
    return record


def read_covariates(path: Path) -> pd.DataFrame:
    """A per-dyad covariate table (a `dyad` column and any others).

    Raises:
        InterchangeError: naming the file (and line), when it cannot be read, has no dyad
            column, or names a dyad twice.
    """
    try:
        table = pd.read_csv(path, dtype={"dyad": "string"}, skipinitialspace=True)
    except FileNotFoundError:
        raise InterchangeError("covariates file not found", path) from None
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError) as exc:
        raise InterchangeError(f"cannot be read as CSV: {exc}", path) from None
    table.columns = [str(c).strip() for c in table.columns]
    if "dyad" not in table.columns:
        raise InterchangeError(f"no 'dyad' column (columns: {', '.join(table.columns)})", path)
    table["dyad"] = table["dyad"].str.strip()
    repeated = table["dyad"].duplicated()
    if repeated.any():
        index = int(np.flatnonzero(repeated.to_numpy())[0])
        raise InterchangeError(
            f"line {index + 2}: dyad {table['dyad'].iloc[index]!r} is given twice", path
        )
    return table


def join_covariates(
    table: pd.DataFrame, covariates: Sequence[Path], notes: list[str]
) -> pd.DataFrame:
    """The table with each covariate file's columns joined by dyad (left join).

    Raises:
        InterchangeError: a covariate column has the name of a column already there.
    """
    for path in covariates:
        extra = read_covariates(path)
        clash = [c for c in extra.columns if c != "dyad" and c in table.columns]
        if clash:
            raise InterchangeError(f"column {clash[0]!r} is in the table already", path)
        unknown = sorted(set(extra["dyad"].dropna()) - set(table["dyad"]))
        if unknown:
            notes.append(f"{path.name}: dyads not in the manifest: {', '.join(unknown[:8])}")
        table = table.merge(extra, on="dyad", how="left")
    return table


def prepost_table(
    manifest: StudyManifest,
    features_dir: Path,
    *,
    db: Path | None = None,
    covariates: Sequence[Path] = (),
    coder: str | None = None,
    care_config: CareIndexConfig | None = None,
) -> PrepostResult:
    """The per-dyad before/after table (see the module docstring).

    Raises:
        ConfigError: a manifest row with a phase but no dyad, or a dyad with two clips of a phase.
        InterchangeError: no clip has features, or a covariates file is malformed.
        StoreError: a database given cannot be opened.
    """
    config = care_config or load_care_index()
    stores = _Stores(db)
    notes: list[str] = []
    rows = []
    for dyad, phases in _pairs(manifest).items():
        clips = {
            phase: clip_figures(row, features_dir, stores, config, coder, notes)
            for phase, row in phases.items()
        }
        missing = [p for p in PHASES if p not in clips]
        if missing:
            notes.append(f"dyad {dyad}: no {missing[0]} clip in the manifest")
        rows.append(dyad_row(dyad, clips))
    table = pd.DataFrame(rows)
    if table.filter(like="analysed_s_").isna().all().all():
        raise InterchangeError(
            "no clip of the manifest has a summary.json here; give the folder that holds one "
            "folder per clip (as `annotate extract` or `annotate demo` write them)",
            features_dir,
        )
    return PrepostResult(join_covariates(table, covariates, notes), tuple(notes))
