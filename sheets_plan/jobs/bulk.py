"""A job over a large project makes millions of small objects that form no reference cycles
(cell values, frame columns, flags), and the cyclic garbage collector's default thresholds (a
collection every 700 new objects, a full one every 100 of those) spend a tenth of a 100 000-row
check walking them again and again. A job runs with a gen-0 threshold of 50 000 and gets the
caller's thresholds back after: reference counting frees nearly everything anyway.
"""

from __future__ import annotations

import functools
import gc

THRESHOLDS = (50_000, 20, 100)


def few_collections(job):
    """Run `job` with the thresholds above (unless the caller's are as high already)."""

    @functools.wraps(job)
    def run(*args, **kwargs):
        before = gc.get_threshold()
        if before[0] >= THRESHOLDS[0]:  # a job inside a job, or a caller who chose for themselves
            return job(*args, **kwargs)
        gc.set_threshold(*THRESHOLDS)
        try:
            return job(*args, **kwargs)
        finally:
            gc.set_threshold(*before)

    return run
