"""Keeping Python's cyclic garbage collector off what a suite run loads once.

A run imports pytest, Schemathesis and Hypothesis, loads the schemas and collects its items:
hundreds of thousands of objects that live until the run ends. Each full collection of the
cyclic collector walks all of them again, and a run allocates enough to trigger many. After
collection the plugin moves what is alive then to the permanent generation (`gc.freeze`), out of
every later collection's sight, and gives it back first thing when the session ends
(`gc.unfreeze`, before pytest's own last collection: a finalizer of something frozen runs then,
and what it raises or leaves unclosed is reported as pytest reports it). So a session run
inside another process (pytester's in-process runs) leaves nothing frozen. Measured on the
SuperOffice suite against the embedded mock, one generated example, no workers: 4.85 -> 4.52
CPU-s a run, 5-7 % less (`bench/heap_freeze.py --repeat 7`, medians; 4.9 % with --repeat 5).

The price, during the run only: an object that existed at the end of collection and is later
dropped inside a reference cycle is freed (its finalizer run) at the end of the session, not at
the next collection; and `gc.get_objects()`/`gc.get_referrers()` do not list frozen objects.
Nothing is frozen when something froze before (selfcheck's fork server freezes its warmed-up
heap before forking each run): unfreezing would undo what that process decided.
"""

from __future__ import annotations

import gc


def freeze_loaded() -> bool:
    """Collect once, then freeze every object alive (unless something froze already); whether
    this call froze."""
    if gc.get_freeze_count():
        return False
    gc.collect()
    gc.freeze()
    return True


def thaw() -> None:
    """Give the frozen objects back to the collector (what freeze_loaded froze)."""
    gc.unfreeze()
