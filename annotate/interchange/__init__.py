"""ELAN, BORIS and CSV/Parquet readers and writers, to and from the coding records."""
