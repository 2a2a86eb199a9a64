"""Pure time logic: intervals, episodes from per-frame flags, time-base mapping. No I/O."""
