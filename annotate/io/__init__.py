"""Reading and writing files, the ways the whole project shares.

- `atomic`: the one atomic writer (a unique temporary name beside the target, fsync, rename).
- `yaml_files`: the one YAML loader (line numbers, duplicate keys and alias bombs refused) for
  every config, scheme, mechanism list and manifest.
- `file_bytes`: a file's bytes read within a budget, plain or gzip inflated while streaming.
- `csv_errors`: what a csv.Error means, in words, for every CSV reader's one-line errors.
- `json_fields`: figures read back from summary.json and its parts (missing: None; wrong: one line).
- `cache_dir`: the user's cache folder (fetched models, remembered file hashes).
- `file_hash`: a file's sha256, read once per version of the file (path, size, mtime).
"""
