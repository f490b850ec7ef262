"""scikit-learn adapters (scikit-learn itself is not needed to import this module)."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ._api import estimate_many
from ._convert import table


def mutual_info_regression(
    X: Any,
    y: Any,
    *,
    method: str = "ksg",
    k: Optional[int] = None,
    n_neighbors: Optional[int] = None,
    random_state: Optional[int] = None,
    **params: Any,
) -> np.ndarray:
    """I(X_j; y) in nats for every feature column j of ``X``: a drop-in score function for
    ``sklearn.feature_selection.SelectKBest`` / ``SelectPercentile``.

    As scikit-learn's ``mutual_info_regression``, negative estimates are clipped to 0 and
    ``n_neighbors`` (or ``k``, default 3) sets the KSG neighbours; unlike it, no noise is added:
    our KSG is exact and handles ties. ``method`` may be any of ``mutinf.METHODS``.

    >>> import numpy as np
    >>> from mutinf.sklearn import mutual_info_regression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 3)); y = X[:, 1] + 0.3 * rng.normal(size=500)
    >>> int(np.argmax(mutual_info_regression(X, y)))
    1
    """
    data = table(X, "X")
    if k is not None and n_neighbors is not None and k != n_neighbors:
        raise ValueError(f"k={k} and n_neighbors={n_neighbors} disagree; give one of them")
    neighbours = k if k is not None else n_neighbors
    if neighbours is not None:
        params["k"] = neighbours
    elif method in ("ksg", "ksg2"):
        params["k"] = 3
    if random_state is not None:
        params["seed"] = int(random_state)
    target = np.asarray(y, dtype=np.float64).reshape(-1)
    estimates = estimate_many([(data[:, j], target) for j in range(data.shape[1])], method=method, **params)
    return np.maximum(np.array([e.mi for e in estimates]), 0.0)
