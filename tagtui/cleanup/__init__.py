"""Cleanup at scale, without Textual: retention rules, one plan for many tags, and carrying it
out with bounded concurrency, progress and cancellation. ``tagtui prune`` and the TUI's marks
and "Clean up…" dialog both use it."""
