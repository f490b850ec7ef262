"""mutinf: fast, trustworthy mutual-information estimation with a Rust core.

>>> import numpy as np, mutinf
>>> rng = np.random.default_rng(0)
>>> x = rng.normal(size=2000)
>>> y = 0.8 * x + 0.6 * rng.normal(size=2000)      # I(X;Y) = -0.5 ln(1 - 0.64) = 0.511 nats
>>> e = mutinf.estimate(x, y)                        # pretrained InfoNet, 90 % interval
>>> 0.4 < e.mi < 0.62
True
>>> abs(mutinf.estimate(x, y, method="ksg", k=3).mi - 0.511) < 0.06
True
"""

from . import bmi, generate, sklearn
from ._api import METHODS, InfoNet, estimate, estimate_many, matrix
from ._estimate import Estimate, Interval
from ._time_series import conditional_mi, lagged_mi, transfer_entropy
from ._mutinf import __version__

__all__ = [
    "METHODS",
    "Estimate",
    "InfoNet",
    "Interval",
    "__version__",
    "bmi",
    "conditional_mi",
    "estimate",
    "estimate_many",
    "generate",
    "lagged_mi",
    "matrix",
    "sklearn",
    "transfer_entropy",
]
