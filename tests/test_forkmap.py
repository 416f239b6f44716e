"""fork_map: the same results in the same order as a plain loop, from worker processes
when the list is long enough, in this process when it is short."""

from __future__ import annotations

import os

from runbookc.engine.forkmap import fork_map
from runbookc.engine.parallel import cpu_count


def test_a_long_list_is_mapped_in_workers_in_input_order() -> None:
    items = list(range(1000))
    results = fork_map(lambda i: (i * i, os.getpid()), items)
    assert [square for square, _ in results] == [i * i for i in items]
    if cpu_count() > 1:
        assert os.getpid() not in {pid for _, pid in results}


def test_a_short_list_is_mapped_here() -> None:
    assert fork_map(lambda i: (i + 1, os.getpid()), [1, 2, 3]) == [
        (2, os.getpid()),
        (3, os.getpid()),
        (4, os.getpid()),
    ]
