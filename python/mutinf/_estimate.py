"""The result of an estimate, as Python sees it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, NamedTuple, Optional, Tuple

#: ln 2: divide nats by this to get bits.
NATS_PER_BIT = math.log(2.0)


class Interval(NamedTuple):
    """A two-sided interval in nats with its coverage (e.g. 0.9 for InfoNet's 5-95 % quantiles)."""

    lower: float
    upper: float
    level: float


@dataclass(frozen=True)
class Estimate:
    """One mutual-information estimate, in nats, with everything needed to judge and reproduce it.

    ``float(e)`` is ``e.mi``. ``e.bits`` is the value in bits. ``e.ci`` is an :class:`Interval`
    where the method gives one (InfoNet's regression readout always does; any method with
    ``bootstrap=B``). ``e.notes`` are warnings about this data (few samples, tied columns, sliced
    MI), each naming what to do instead.
    """

    mi: float
    method: str
    n: int
    seconds: float
    std_error: Optional[float] = None
    ci: Optional[Interval] = None
    params: Dict[str, Any] = field(default_factory=dict)
    notes: Tuple[str, ...] = ()
    #: Mean estimate over Y shuffled ``shuffle`` times (the no-dependence baseline), if asked for.
    shuffle_baseline: Optional[float] = None

    @property
    def bits(self) -> float:
        """The estimate in bits."""
        return self.mi / NATS_PER_BIT

    def __float__(self) -> float:
        return self.mi

    def __repr__(self) -> str:
        text = f"Estimate(mi={self.mi:.4f} nats ({self.bits:.4f} bits)"
        if self.std_error is not None:
            text += f" ± {self.std_error:.4f}"
        if self.ci is not None:
            text += f", {self.ci.level * 100:.0f}% CI [{self.ci.lower:.4f}, {self.ci.upper:.4f}]"
        text += f", method={self.method!r}, n={self.n}, {self.seconds * 1e3:.1f} ms"
        if self.notes:
            text += f", {len(self.notes)} note(s)"
        return text + ")"

    def to_dict(self) -> Dict[str, Any]:
        """A plain dict (JSON-ready): the CLI's ``--format json`` fields plus ``bits``."""
        out: Dict[str, Any] = {
            "method": self.method,
            "mi": self.mi,
            "bits": self.bits,
            "std_error": self.std_error,
            "ci": None if self.ci is None else dict(self.ci._asdict()),
            "n": self.n,
            "seconds": self.seconds,
            "params": dict(self.params),
            "notes": list(self.notes),
        }
        if self.shuffle_baseline is not None:
            out["shuffle_baseline"] = self.shuffle_baseline
        return out

    @classmethod
    def _from_json(cls, text: str, baseline: Optional[str] = None) -> "Estimate":
        raw = json.loads(text)
        ci = raw.get("ci")
        return cls(
            mi=float(raw["mi"]),
            method=raw["method"],
            n=int(raw["n"]),
            seconds=float(raw["seconds"]),
            std_error=raw.get("std_error"),
            ci=None if ci is None else Interval(ci["lower"], ci["upper"], ci["level"]),
            params=raw.get("params", {}),
            notes=tuple(raw.get("notes", ())),
            shuffle_baseline=None if baseline is None else float(json.loads(baseline)["mi"]),
        )
