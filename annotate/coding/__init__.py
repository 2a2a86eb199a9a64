"""The coding side: schemes, the annotation store, the CARE-Index sheet, reliability.

- `schemes`: coding schemes: tiers of codes, their checks, JSON for the store.
- `scheme_files`: schemes loaded from configs/coding/*.yaml, errors naming file and line.
- `records`: the records the coding side speaks: annotations, media references, CodingData.
- `validation`: the checks an annotation must pass before the store keeps it.
- `clips`: which clip annotations belong to, and where its project database lives.
- `store`: the annotation store, one SQLite file per project (the API the tool uses).
- `store_db`: the database underneath: schema, connection, writes that keep their history.
- `store_rows`: the records the store hands out (a stored annotation, a change, a clip row).
- `store_import`: a whole file imported into the store; media references attached to clips.
- `history`: the audit listing of a project's changes, and undo.
- `backup`: backups of a project database with SQLite's online backup API.
- `clip_roles`: a coder's correction of a clip's roles (mother and infant swapped).
- `care_index`: the CARE-Index sheet's structure (configs/care_index.yaml) and arithmetic.
- `care_store`: CARE-Index sheets in the store, with history.
- `reliability`: agreement measures: Cohen's kappa on time bins, event matching, ICC.
- `reliability_frames`: two codings of one clip compared frame by frame.
- `reliability_pooled`: agreement per clip and pooled, with bootstrap intervals by dyad.
- `reliability_report`: reliability of two coders over a project, per clip, tier and CARE-Index.
- `reliability_output`: a reliability comparison written as a long CSV and a Markdown report.
- `reliability_long`: agreement figures written as the long CSV, a report and its plots.
- `clip_status`: where a clip's coding stands per coder (not started, in progress, done).
- `clip_aliases`: neutral aliases for blinded coding (a keyed hash with the project's secret).
- `clip_undo`: undo and redo of one coder's changes on one clip, from the store's history.
- `consensus`: two coders' codings of a clip compared: the disagreements and the agreed version.
- `consensus_store`: the consensus recorded in the store as a third coder, with history.
"""
