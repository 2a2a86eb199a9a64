"""The budgets on what the project reads: how big a file, a table or a video may be.

Every reader checks its input against these before it spends memory on it, and refuses what is
larger with a one-line error naming the file and the limit (the README's "Budgets" section lists
them). Small files that claim to be huge (a YAML alias bomb, a gzip bomb, a video header that
declares 16000x16000 pixels) are refused while reading, before the claimed size is allocated.
"""

from __future__ import annotations

MiB = 1 << 20

# YAML configs, schemes, mechanism lists and manifests.
YAML_MAX_BYTES = 8 * MiB
"""Largest YAML file read (a manifest of 50,000 clips is about 5 MB)."""
YAML_MAX_NODES = 1_000_000
"""Most values in one YAML document, counting every use of an alias as a copy."""
YAML_MAX_ALIASES = 1_000
"""Most alias uses (`*name`) in one YAML document."""
YAML_MAX_DEPTH = 64
"""Deepest nesting of mappings and lists in one YAML document."""

# Annotation files.
EAF_MAX_BYTES = 128 * MiB
"""Largest ELAN document, counted after decompression for .eaf.gz (the largest real file in the
test fixtures is 2.4 MB inflated)."""
XML_MAX_DEPTH = 64
"""Deepest element nesting in an ELAN file (real files nest 5-6 levels)."""
TEXT_MAX_BYTES = 128 * MiB
"""Largest BORIS project or CSV/TSV table read as text."""
CSV_FIELD_MAX_CHARS = 131_072
"""Longest field in a CSV file (Python's csv default, kept on purpose and reported clearly)."""
UPLOAD_MAX_BYTES = 32 * MiB
"""Largest annotation file the coding page uploads for import (a long ELAN file with thousands
of annotations is a few MB; the readers' own limits above still apply to what it holds)."""
TIME_MAX_S = 1e7
"""Largest time (seconds, about 116 days) accepted in an annotation file: beyond it a time is a
mistake (BORIS's 1e308), not a recording."""

# Videos.
VIDEO_MAX_PIXELS = 8192 * 4320
"""Largest frame (width x height) a video may declare: DCI 8K (35.4 million pixels). Checked on
the container's header before any frame is decoded."""

# The programme mechanism table.
MECHANISM_MAX_ROWS = 200_000
"""Most rows read from the mechanism CSVs of one table."""
MECHANISM_MAX_PROGRAMMES = 100
"""Most programmes (columns) in one mechanism table and its heat map."""
MECHANISM_MAX_SESSIONS = 10_000
"""Most sessions over all programmes of one mechanism table."""
MECHANISM_MAX_NAME_CHARS = 100
"""Longest programme or session name in a mechanism table."""
MECHANISMS_MAX = 100
"""Most mechanisms in a mechanisms file (the study has 15): rows of the table and heat map."""
