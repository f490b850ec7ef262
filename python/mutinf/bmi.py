"""The estimator interface of the BMI benchmark (Czyż et al. 2023), without importing BMI.

BMI's tasks hand an estimator paired samples ``x`` (N x dx) and ``y`` (N x dy) and read a float;
:class:`Estimator` does that with any mutinf method. (For BMI's external-script protocol, the CLI's
``mutinf estimate FILE --dims DX,DY --format value`` prints the bare number.)
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ._api import estimate
from ._estimate import Estimate


class Estimator:
    """A BMI-style point estimator.

    >>> import numpy as np
    >>> from mutinf.bmi import Estimator
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(1000, 2)); y = x[:, :1] + rng.normal(size=(1000, 1))
    >>> Estimator(method="ksg").estimate(x, y) > 0.2
    True
    """

    def __init__(self, method: Optional[str] = None, **params: Any) -> None:
        # None: mutinf.estimate's default (InfoNet for one column each, KSG for the
        # multi-dimensional tasks most of BMI's benchmark is made of).
        self.method = method
        self.params = dict(params)

    def estimate(self, x: Any, y: Any) -> float:
        """I(X;Y) in nats."""
        return self.estimate_with_info(x, y).mi

    def estimate_with_info(self, x: Any, y: Any) -> Estimate:
        """The full :class:`mutinf.Estimate` (interval, time, parameters, notes)."""
        return estimate(x, y, method=self.method, **self.params)

    def parameters(self) -> Dict[str, Any]:
        """The method and its options, for BMI's result records."""
        return {"method": self.method or "auto (infonet for 1-D pairs, else ksg)", **self.params}
