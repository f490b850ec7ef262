"""Array-likes → the 2-D float arrays the native module reads, with errors that say what to fix."""

from __future__ import annotations

from typing import Any

import numpy as np


def block(value: Any, name: str) -> np.ndarray:
    """``value`` (numpy array, list, pandas Series/DataFrame, torch CPU tensor, ...) as a 2-D
    float32/float64 array, rows = samples. 1-D becomes one column (a view, no copy); float32 and
    float64 arrays of any strides pass through uncopied."""
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError, RuntimeError) as exc:
            raise ValueError(
                f"{name} cannot be read as a numeric array ({exc}); pass a 1-D or 2-D array of numbers, "
                "one row per sample (every row the same length)"
            ) from None
    kind = arr.dtype.kind
    if kind in "biu":
        arr = arr.astype(np.float64)
    elif kind == "f":
        if arr.dtype not in (np.float32, np.float64):
            arr = arr.astype(np.float64)
        elif not arr.dtype.isnative:
            arr = arr.astype(arr.dtype.newbyteorder("="))
    else:
        raise ValueError(
            f"{name} has dtype {arr.dtype}; MI needs numbers: convert text or categories to numeric codes "
            "(e.g. pandas.factorize) or pass float/int arrays"
        )
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim != 2:
        raise ValueError(
            f"{name} is {arr.ndim}-D with shape {arr.shape}; give a 1-D array (one variable) or a 2-D array "
            "(rows = samples, columns = dimensions)"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); give at least one column and enough rows for the method")
    return arr


def table(value: Any, name: str = "X") -> np.ndarray:
    """A 2-D float64 table (rows = samples, columns = variables) for ``matrix``."""
    arr = block(value, name)
    if value is not None and np.ndim(value) == 1:
        raise ValueError(f"{name} is 1-D; matrix needs a 2-D table with one column per variable")
    return np.asarray(arr, dtype=np.float64)
