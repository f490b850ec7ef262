"""Samples with a known mutual information (the same generators and seeds as ``mutinf generate``)."""

from __future__ import annotations

from typing import NamedTuple, Tuple

import numpy as np

from . import _mutinf as _native


class Sample(NamedTuple):
    """Samples ``x`` (N x dx), ``y`` (N x dy) and their true MI in nats (``std_error`` is the
    Monte-Carlo error of the truth; 0 where it is analytic)."""

    x: np.ndarray
    y: np.ndarray
    mi: float
    std_error: float


def gaussian(n: int, rho: float, seed: int = 0) -> Sample:
    """``n`` draws of a standard bivariate Gaussian with correlation ``rho``; the truth is
    -½ ln(1 - rho²).

    >>> from mutinf import generate
    >>> s = generate.gaussian(1000, 0.6, seed=1)
    >>> s.x.shape, round(s.mi, 4)
    ((1000, 1), 0.2231)
    """
    return Sample(*_native.gaussian(int(n), float(rho), int(seed)))


def gmm(
    n: int,
    dims: Tuple[int, int] = (1, 1),
    components: int = 3,
    family: str = "paper-eval",
    truth_samples: int = 200_000,
    seed: int = 0,
) -> Sample:
    """``n`` draws of a random Gaussian mixture with ``components`` components from ``family``
    (``"paper-eval"`` or ``"paper-train"``, the InfoNet paper's) in ``dims = (dx, dy)``
    dimensions; the truth by Monte-Carlo over ``truth_samples`` points (its standard error is
    returned)."""
    dx, dy = dims
    return Sample(*_native.gmm(int(n), int(dx), int(dy), int(components), str(family), int(truth_samples), int(seed)))
