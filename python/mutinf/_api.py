"""estimate, estimate_many, matrix and InfoNet: thin wrappers over the native module."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import _mutinf as _native
from ._convert import block, table
from ._estimate import Estimate

#: Every method, as the CLI's ``--method`` spells it.
METHODS: Tuple[str, ...] = ("infonet", "ksg", "ksg2", "kde", "hist", "gmm", "mine", "mine-dv", "nwj", "infonce", "smile")

_NEURAL = {"steps", "batch", "lr", "device"}
#: The options each method reads (besides the common ones). An option a method does not read is
#: an error rather than silently ignored.
_METHOD_OPTIONS: Dict[str, frozenset] = {
    "infonet": frozenset({"checkpoint", "readout", "sliced", "device"}),
    "ksg": frozenset({"k"}),
    "ksg2": frozenset({"k"}),
    "kde": frozenset({"bandwidth"}),
    "hist": frozenset({"bins", "binning", "miller_madow"}),
    "gmm": frozenset({"max_components", "mc_samples"}),
    **{m: frozenset(_NEURAL) for m in ("mine", "mine-dv", "nwj", "infonce", "smile")},
}
#: Options every method takes: the seed, a bootstrap interval, a shuffled-Y baseline.
_COMMON = frozenset({"seed", "bootstrap", "level", "shuffle"})
_INTS = {"sliced", "k", "bins", "max_components", "mc_samples", "steps", "batch", "seed", "bootstrap", "shuffle"}
_FLOATS = {"lr", "level"}
_BOOLS = {"miller_madow"}


def _method_name(method: str) -> str:
    name = str(method).lower().replace("_", "-")
    if name not in _METHOD_OPTIONS:
        raise ValueError(f"method={method!r} is not one of {', '.join(METHODS)}")
    return name


def _options(method: str, params: Mapping[str, Any]) -> str:
    """The JSON options object for the native module; unknown or inapplicable names, and values
    of the wrong type, are ValueErrors that list what the method takes."""
    name = _method_name(method)
    allowed = _METHOD_OPTIONS[name] | _COMMON
    out: Dict[str, Any] = {"method": name}
    for key, value in params.items():
        if key not in allowed:
            raise ValueError(
                f"method {name!r} has no option {key!r}; its options are: {', '.join(sorted(allowed))}"
            )
        if value is None and key in {"checkpoint", "readout", "bins"}:
            continue
        if key in _BOOLS:
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{key}={value!r} must be True or False")
            value = bool(value)
        elif key in _INTS:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{key}={value!r} must be a non-negative integer")
            value = int(value)
        elif key in _FLOATS:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise ValueError(f"{key}={value!r} must be a number")
            value = float(value)
        elif key == "checkpoint":
            value = os.fspath(value)
        elif not isinstance(value, str):
            raise ValueError(f"{key}={value!r} must be a string")
        out[key] = value
    return json.dumps(out)


def estimate(x: Any, y: Any, method: Optional[str] = None, **params: Any) -> Estimate:
    """Estimates I(X;Y) in nats.

    ``x`` and ``y``: 1-D (one variable) or 2-D (rows = samples) array-likes of equal length:
    numpy float32/float64/int arrays of any strides, lists, pandas columns, torch CPU tensors.

    ``method``: ``"infonet"`` (default for one column each: the pretrained regression readout, a
    median and a 90 % interval in one pass, no test-time optimisation; with several columns in
    ``x`` or ``y`` the default is ``"ksg"``, an estimate of I(X;Y), and InfoNet needs ``sliced``), ``"ksg"``/``"ksg2"`` (exact KSG, ``k``),
    ``"kde"`` (``bandwidth``), ``"hist"`` (``bins``, ``binning``, ``miller_madow``), ``"gmm"``
    (``max_components``, ``mc_samples``), or the MINE family ``"mine"``, ``"mine-dv"``,
    ``"nwj"``, ``"infonce"``, ``"smile"`` (``steps``, ``batch``, ``lr``). InfoNet also takes
    ``checkpoint`` (a built-in name such as ``"infonet-gt"`` or a ``.safetensors`` path),
    ``readout`` (``"regression"``, ``"scale-fitted"``, ``"trained"``) and ``sliced`` (random
    projections for multi-column X or Y). Every method takes ``seed``, ``bootstrap`` (resamples
    for a percentile interval), ``level`` and ``shuffle`` (a shuffled-Y baseline).

    Bad data or options raise ``ValueError`` with the CLI's message. The GIL is released while
    the estimate runs.

    >>> import numpy as np, mutinf
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2000); y = x + rng.normal(size=2000)
    >>> e = mutinf.estimate(x, y, method="ksg")
    >>> abs(e.mi - 0.3466) < 0.05
    True
    """
    bx, by = block(x, "x"), block(y, "y")
    note = None
    if (bx.shape[1] > 1 or by.shape[1] > 1) and method in (None, "infonet") and "sliced" not in params:
        if method == "infonet":
            raise ValueError(
                f"InfoNet reads one column per side, and x has {bx.shape[1]} and y {by.shape[1]} columns: ask for "
                "sliced MI (a different, smaller quantity) with sliced=P, or estimate I(X;Y) with method='ksg'"
            )
        # Asked for I(X;Y), the user gets an estimate of I(X;Y), not sliced MI (as the CLI does).
        method = "ksg"
        note = (
            f"x has {bx.shape[1]} and y {by.shape[1]} columns: I(X;Y) estimated by KSG (InfoNet reads one column "
            "per side; method='infonet', sliced=P gives sliced MI, a different quantity)"
        )
    options = _options(method or "infonet", params)
    text, baseline = _native.estimate_json(bx, by, options)
    result = Estimate._from_json(text, baseline)
    if note is not None:
        result = dataclasses.replace(result, notes=(note,) + result.notes)
    return result


def estimate_many(pairs: Iterable[Tuple[Any, Any]], method: str = "infonet", **params: Any) -> List[Estimate]:
    """Estimates I(X;Y) for each ``(x, y)`` in ``pairs``, in order: InfoNet in one batched pass
    per memory-bounded chunk, the classical methods in parallel. Each result equals
    ``estimate(x, y, ...)`` for that pair. Options as in :func:`estimate` (but ``shuffle``)."""
    if "shuffle" in params:
        raise ValueError("estimate_many does not take shuffle; call estimate(x, y, shuffle=...) per pair")
    options = _options(method, params)
    converted = [(block(x, f"pairs[{i}][0]"), block(y, f"pairs[{i}][1]")) for i, (x, y) in enumerate(pairs)]
    if not converted:
        return []
    return [Estimate._from_json(t) for t in _native.estimate_many_json(converted, options)]


def matrix(X: Any, method: str = "infonet", progress: bool = False, chunk: Optional[int] = None, **params: Any) -> np.ndarray:
    """The symmetric d x d matrix of I(column i; column j) in nats for an N x d table ``X``
    (numpy array or pandas DataFrame); the diagonal is NaN (I(X;X) is infinite for continuous X).

    Pairs go to the native module ``chunk`` at a time (default 256: InfoNet reads each chunk in
    one batched pass, the classical methods in parallel); ``progress=True`` draws a bar on stderr.
    """
    data = table(X)
    if "shuffle" in params or "bootstrap" in params:
        raise ValueError("matrix takes neither shuffle nor bootstrap; use estimate() on the pairs you care about")
    options = _options(method, params)
    d = data.shape[1]
    if d < 2:
        raise ValueError(f"X has {d} column; matrix needs at least two columns")
    size = 256 if chunk is None else int(chunk)
    if size < 1:
        raise ValueError(f"chunk={chunk!r}: use at least 1 pair per call")
    pairs = [(i, j) for i in range(d) for j in range(i + 1, d)]
    out = np.full((d, d), np.nan)
    for start in range(0, len(pairs), size):
        part = pairs[start : start + size]
        for (i, j), v in zip(part, _native.column_pairs_mi(data, part, options)):
            out[i, j] = out[j, i] = v
        if progress:
            _bar(start + len(part), len(pairs))
    if progress:
        sys.stderr.write("\n")
    return out


def _bar(done: int, total: int, width: int = 30) -> None:
    filled = width * done // total
    sys.stderr.write(f"\rmutinf matrix [{'=' * filled}{' ' * (width - filled)}] {done}/{total} pairs")
    sys.stderr.flush()


class InfoNet:
    """A loaded InfoNet: a built-in network (:meth:`pretrained`) or a checkpoint file (:meth:`load`).

    >>> import numpy as np, mutinf
    >>> net = mutinf.InfoNet.pretrained()
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=1000)
    >>> e = net.estimate(x, x + rng.normal(size=1000))
    >>> e.ci.lower <= e.mi <= e.ci.upper
    True
    """

    def __init__(self, checkpoint: Optional[str] = None, **options: Any) -> None:
        self._options: Dict[str, Any] = dict(options)
        if checkpoint is not None:
            self._options["checkpoint"] = os.fspath(checkpoint)
        # Loads (and caches) the network now, so a bad checkpoint fails here.
        self.metadata: Dict[str, str] = dict(_native.prepare(_options("infonet", self._options)))

    @classmethod
    def pretrained(cls, name: str = "infonet-gt", **options: Any) -> "InfoNet":
        """The built-in network ``name`` (see :meth:`names`); works offline."""
        if name not in cls.names():
            raise ValueError(f"no built-in InfoNet is called {name!r}; the built-in ones are {', '.join(cls.names())}")
        return cls("embedded:" + name, **options)

    @classmethod
    def load(cls, path: "os.PathLike[str] | str", **options: Any) -> "InfoNet":
        """A network from a ``.safetensors`` checkpoint written by ``mutinf train`` or ``mutinf train-head``."""
        return cls(os.fspath(path), **options)

    @staticmethod
    def names() -> List[str]:
        """The built-in networks' names."""
        return list(_native.pretrained_names())

    def estimate(self, x: Any, y: Any, **options: Any) -> Estimate:
        """I(X;Y) with this network (options as in :func:`mutinf.estimate`)."""
        return estimate(x, y, method="infonet", **{**self._options, **options})

    def estimate_many(self, pairs: Iterable[Tuple[Any, Any]], **options: Any) -> List[Estimate]:
        """One estimate per pair, batched (see :func:`mutinf.estimate_many`)."""
        return estimate_many(pairs, method="infonet", **{**self._options, **options})

    def __repr__(self) -> str:
        return f"InfoNet({self._options.get('checkpoint', 'embedded:infonet-gt')!r})"
