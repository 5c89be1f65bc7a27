"""Admin for matching runs: start, read, lock/forbid, re-run, approve."""
