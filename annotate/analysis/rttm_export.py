"""`annotate export rttm`: a clip's automatic vocal episodes (its extraction folder's
episodes.csv) as an RTTM file with VTC's speaker labels (annotate.interchange.rttm_vocal)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from annotate.analysis.clip_features import read_episodes
from annotate.errors import InterchangeError
from annotate.extract.folder import EPISODES_CSV, SUMMARY_JSON
from annotate.extract.summary import ClipSummary
from annotate.interchange.rttm import write_rttm
from annotate.interchange.rttm_vocal import vocal_rttm_data
from annotate.sound.summary import READ


@dataclass(frozen=True)
class RttmExport:
    """What was written: the file, its file id and the number of lines per speaker label."""

    path: Path
    file_id: str
    lines: dict[str, int]


def _sound_status(folder: Path) -> str:
    """How the clip's sound went (summary.json's vocal figures), "" when not said."""
    path = folder / SUMMARY_JSON
    if not path.is_file():
        return ""
    vocal = ClipSummary.from_json(path).vocal
    return "" if vocal is None else vocal.sound


def _clip_id(episodes_csv: Path, folder: Path) -> str:
    try:
        ids = pd.read_csv(episodes_csv, usecols=["clip_id"], dtype=str)["clip_id"].dropna()
    except (ValueError, OSError):
        ids = pd.Series([], dtype=str)
    name = str(ids.iloc[0]) if len(ids) else folder.resolve().name
    return re.sub(r"\s+", "_", name.strip()) or "clip"


def export_vocal_rttm(
    folder: Path, out: Path, *, file_id: str = "", force: bool = False
) -> RttmExport:
    """Write the vocal episodes of an extraction folder as RTTM (see the module docstring).

    Args:
        folder: the folder `annotate extract` wrote (episodes.csv, summary.json).
        out: the RTTM file.
        file_id: RTTM's file field (default: the clip id of episodes.csv).
        force: overwrite `out`.

    Raises:
        InterchangeError: no episodes.csv, or the clip was extracted without its sound.
        OutputError: `out` exists (without force) or cannot be written.
    """
    episodes_csv = folder / EPISODES_CSV
    if not episodes_csv.is_file():
        raise InterchangeError(
            f"holds no {EPISODES_CSV}; give the folder `annotate extract` wrote", folder
        )
    status = _sound_status(folder)
    if status and status != READ:
        raise InterchangeError(
            f"has no vocal episodes: the clip's sound was not analysed (summary.json: sound "
            f"{status!r})",
            folder,
        )
    if any(c.isspace() for c in file_id):
        raise InterchangeError(f"--file-id {file_id!r} holds white space, which RTTM cannot")
    name = file_id or _clip_id(episodes_csv, folder)
    data = vocal_rttm_data(read_episodes(episodes_csv), name)
    path = write_rttm(data, out, force=force)
    lines: dict[str, int] = {}
    for a in data.annotations:
        lines[a.tier] = lines.get(a.tier, 0) + 1
    return RttmExport(path, name, lines)
