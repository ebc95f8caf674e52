"""Generation that depends only on the seed, not on what else the process has imported."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["independent_of_imports"]


@contextmanager
def independent_of_imports() -> Iterator[None]:
    """Stop Hypothesis mixing in literals from the local modules this process has loaded.

    Hypothesis (6.13x+) sometimes draws string and number constants found in "local" modules in
    `sys.modules`. A serial run imports the embedded mock, an xdist worker does not, so the same
    seed drew different cases. With no local constants, a seed draws the same cases anywhere.
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - a Hypothesis without local constants
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    if original is None:  # pragma: no cover
        yield
        return
    empty = providers.Constants()  # type: ignore[attr-defined]
    providers._get_local_constants = lambda: empty
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE.cache.clear()
