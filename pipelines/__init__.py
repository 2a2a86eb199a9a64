"""Batch jobs built on annotate's library: manifests, cache and resume, chunks, runners."""
