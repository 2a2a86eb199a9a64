"""Batch jobs built on annotate's library: manifests, cache and resume, chunks, runners, dataset.

    manifest.py   what a batch runs: a CSV/YAML manifest or a folder of videos
    records.py    the batch's options, hooks and what it reports (per clip and at the end)
    cache.py      what is kept between runs (hashes, kept chunks, finished results), the lock
    jobs.py       the job functions workers run (track a chunk; finish and write a clip)
    pools.py      where jobs run: this process, the local pool (annotate.workers), a dask cluster
    runner.py     run_batch: plan, feed the pool, record outcomes
    dataset.py    the dataset: Parquet features by clip, clips.csv, prepost.csv, reports
    tables.py     the dataset's tables from the summaries and outcomes (clips, prepost, errors)
    sessions.py   group sessions per second: adults, infants, the M7 hint, mutual-gaze pairs

`pipelines` imports `annotate`; nothing in annotate's library imports `pipelines` (only the CLI).
"""
