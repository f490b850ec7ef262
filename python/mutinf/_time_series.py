"""Conditional MI, transfer entropy and lagged MI: the CLI's `estimate --z`, `te` and `lagged`."""

from __future__ import annotations

from typing import Any, Iterable, List, Optional, Tuple

import numpy as np

from . import _mutinf as _native
from ._api import estimate_many
from ._convert import block
from ._estimate import Estimate


def conditional_mi(x: Any, y: Any, z: Any, method: str = "ksg", k: int = 3) -> Estimate:
    """I(X;Y|Z) in nats: does X tell about Y beyond Z? ``method="ksg"`` is the k-NN estimator of
    Frenzel & Pompe (2007) with ``k`` neighbours; ``"gaussian"`` the log-determinant (partial
    correlation) value, exact for jointly Gaussian data. X, Y, Z may each have several columns.

    >>> import numpy as np, mutinf
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=3000); z = x + rng.normal(size=3000); y = z + rng.normal(size=3000)
    >>> abs(mutinf.conditional_mi(x, y, z).mi) < 0.03       # X -> Z -> Y: nothing beyond Z
    True
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k={k!r} must be a non-negative integer")
    text = _native.conditional_mi_json(block(x, "x"), block(y, "y"), block(z, "z"), str(method), int(k))
    return Estimate._from_json(text)


def transfer_entropy(
    source: Any,
    target: Any,
    history: int = 1,
    source_history: int = 1,
    delay: int = 1,
    surrogates: int = 0,
    surrogate: str = "time-shift",
    surrogate_size: Optional[int] = None,
    method: str = "ksg",
    k: int = 3,
    seed: int = 0,
) -> Tuple[Estimate, Optional[float]]:
    """TE(source → target) = I(Y_t ; X_{t-d-l+1..t-d} | Y_{t-1..t-k}) in nats, for two series in
    time order, with target ``history`` k, ``source_history`` l and ``delay`` d. With
    ``surrogates=S > 0`` also the p-value of a surrogate test (``"time-shift"``: the source
    circularly shifted; ``"block-shuffle"``: its blocks permuted), p = (1 + #{surrogate ≥ TE}) /
    (S + 1). Returns ``(estimate, p_value or None)``.
    """
    for name, value in (("history", history), ("source_history", source_history), ("delay", delay),
                        ("surrogates", surrogates), ("k", k), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name}={value!r} must be a non-negative integer")
    text, p_value, _ = _native.transfer_entropy_json(
        block(source, "source"), block(target, "target"), str(method), int(k), int(history), int(source_history),
        int(delay), int(surrogates), str(surrogate), None if surrogate_size is None else int(surrogate_size), int(seed),
    )
    return Estimate._from_json(text), p_value


def lagged_mi(x: Any, y: Any, lags: Iterable[int], method: str = "infonet", **params: Any) -> List[Tuple[int, Estimate]]:
    """I(X_t ; Y_{t+lag}) for each lag, on the N − |lag| overlapping pairs (as ``mutinf lagged``):
    one batched call, so InfoNet reads all lags in one pass and the classical methods run them in
    parallel. Returns ``[(lag, estimate), ...]`` in the order given.

    >>> import numpy as np, mutinf
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=3000); y = np.roll(x, 7) + 0.5 * rng.normal(size=3000)   # Y_t = X_{t-7} + noise
    >>> best = max(mutinf.lagged_mi(x, y, range(-10, 11), method="ksg"), key=lambda r: r[1].mi)
    >>> best[0]
    7
    """
    xs, ys = block(x, "x"), block(y, "y")
    if xs.shape[0] != ys.shape[0]:
        raise ValueError(f"x has {xs.shape[0]} rows but y has {ys.shape[0]}; the series must be paired in time")
    n = xs.shape[0]
    lags = [int(lag) for lag in lags]
    if not lags:
        raise ValueError("lags is empty; give at least one lag, e.g. range(-50, 51)")
    too_long = [lag for lag in lags if abs(lag) >= n]
    if too_long:
        raise ValueError(f"lag {too_long[0]} leaves no overlapping samples in a series of {n}; use |lag| < {n}")
    pairs = [(xs[: n - lag], ys[lag:]) if lag >= 0 else (xs[-lag:], ys[: n + lag]) for lag in lags]
    return list(zip(lags, estimate_many(pairs, method=method, **params)))
