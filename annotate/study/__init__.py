"""The study's own records: which clips it holds and the mechanisms of change it looks for.

- `manifest_rows`: a study manifest's rows (CSV or YAML) and the one row type, read by the batch
  and the analyses.
- `mechanisms`: the mechanisms of change (M1-M15) from configs/mechanisms.yaml.
"""
