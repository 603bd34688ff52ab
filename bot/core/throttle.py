"""At most once per interval in a process. The scheduler calls its jobs every few seconds; some
(retention, the monthly report, the knowledge base's upkeep) need not look at the database that
often, and a missed look is only postponed: each sweep finds what is due whenever it runs."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Throttle:
    _last: dict[str, float] = field(default_factory=dict, repr=False)

    def due(self, name: str = "", *, every: float) -> bool:
        """True (and the interval starts again) when `name` last ran `every` seconds ago or never."""
        now = time.monotonic()
        last = self._last.get(name)
        if last is not None and now - last < every:
            return False
        self._last[name] = now
        return True
