"""What researchers ask of it all: alignment with mechanism events, tables, exports, plots."""
