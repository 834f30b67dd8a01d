"""An independent check of the small-cell rule for the tests (no views.masking): given a
total and its parts as shown, may every `<5` part still be anything from 1 to 4?"""

from __future__ import annotations

import itertools


def free(total: int, cells: list, below: int = 5) -> bool:
    """Whether, knowing `total` and the cells as shown (int: shown; range: a `<5` cell; any
    other value: a 不显示 one, taken as `below` or more), every `<5` cell can still be 1 …
    below − 1."""
    known = [c for c in cells if isinstance(c, int)]
    hidden = [c for c in cells if not isinstance(c, int)]
    rest = total - sum(known)
    if not any(isinstance(c, range) for c in hidden):
        return True
    choices = [list(c) if isinstance(c, range) else list(range(below, rest + 1)) for c in hidden]
    seen = [set() for _ in hidden]
    for values in itertools.product(*choices):
        if sum(values) == rest:
            for i, v in enumerate(values):
                seen[i].add(v)
    return all(
        seen[i] == set(range(1, below)) for i, c in enumerate(hidden) if isinstance(c, range)
    )
