"""The Python API: values against known truths, batching and matrix against single calls,
input types and layouts, errors, concurrency."""

import concurrent.futures
import json
import math

import numpy as np
import pytest

import mutinf
from mutinf import generate


@pytest.fixture(scope="module")
def pair():
    s = generate.gaussian(2000, 0.6, seed=21)
    return s.x[:, 0], s.y[:, 0], s.mi


def test_ksg_and_infonet_recover_the_analytic_gaussian_mi(pair):
    x, y, truth = pair
    assert abs(mutinf.estimate(x, y, method="ksg").mi - truth) < 0.05
    e = mutinf.estimate(x, y)
    assert abs(e.mi - truth) < 0.06
    assert e.ci.lower <= e.mi <= e.ci.upper and e.ci.level == 0.9


def test_estimate_has_every_field_and_converts(pair):
    x, y, _ = pair
    e = mutinf.estimate(x, y, method="ksg", k=5)
    assert float(e) == e.mi and e.bits == pytest.approx(e.mi / math.log(2))
    assert e.method == "ksg" and e.n == 2000 and e.seconds > 0 and e.params["k"] == 5
    assert e.std_error is None and e.ci is None and e.notes == ()
    d = e.to_dict()
    assert json.loads(json.dumps(d))["mi"] == e.mi
    assert "ksg" in repr(e) and "n=2000" in repr(e)


def test_bootstrap_interval_and_shuffle_baseline(pair):
    x, y, truth = pair
    e = mutinf.estimate(x, y, method="ksg", bootstrap=20, level=0.9, shuffle=3, seed=4)
    assert e.ci is not None and e.ci.level == 0.9 and e.ci.lower < e.ci.upper
    assert abs(e.shuffle_baseline) < 0.03
    # Seeded: the same call gives the same interval.
    again = mutinf.estimate(x, y, method="ksg", bootstrap=20, level=0.9, shuffle=3, seed=4)
    assert again.ci == e.ci and again.shuffle_baseline == e.shuffle_baseline


def test_float32_lists_ints_and_array_likes_read_the_same_values(pair):
    x, y, _ = pair
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    want = mutinf.estimate(x32.astype(np.float64), y32.astype(np.float64), method="ksg").mi
    assert mutinf.estimate(x32, y32, method="ksg").mi == want
    assert mutinf.estimate(list(x32.astype(float)), list(y32.astype(float)), method="ksg").mi == want

    class Tensorish:  # what torch tensors and pandas columns offer: __array__
        def __init__(self, a):
            self.a = a

        def __array__(self, dtype=None, copy=None):
            return self.a if dtype is None else self.a.astype(dtype)

    assert mutinf.estimate(Tensorish(x32), Tensorish(y32), method="ksg").mi == want
    xi = np.round(x * 100).astype(np.int64)
    assert mutinf.estimate(xi, y, method="ksg").mi == mutinf.estimate(xi.astype(float), y, method="ksg").mi


def test_strided_and_fortran_arrays_equal_their_contiguous_copies(pair):
    x, y, _ = pair
    both = np.stack([x, y], axis=1)  # C order: columns are strided
    assert not both[:, 0].flags.c_contiguous
    got = mutinf.estimate(both[:, 0], both[:, 1], method="ksg").mi
    assert got == mutinf.estimate(np.ascontiguousarray(both[:, 0]), np.ascontiguousarray(both[:, 1]), method="ksg").mi
    every_other = mutinf.estimate(x[::2], y[::2]).mi
    assert every_other == mutinf.estimate(x[::2].copy(), y[::2].copy()).mi
    block = np.asfortranarray(np.stack([x, x ** 3 + y], axis=1))
    assert mutinf.estimate(block, y, method="ksg").mi == mutinf.estimate(np.ascontiguousarray(block), y, method="ksg").mi


def test_estimate_many_equals_single_estimates(pair):
    x, y, _ = pair
    pairs = [(x, y), (y, x ** 2), (x[:700], y[:700]), (x, np.sin(3 * y))]
    for method in ("infonet", "ksg"):
        many = mutinf.estimate_many(pairs, method=method)
        single = [mutinf.estimate(a, b, method=method) for a, b in pairs]
        assert [e.mi for e in many] == pytest.approx([e.mi for e in single], abs=1e-9)
    assert mutinf.estimate_many([], method="ksg") == []


def test_matrix_is_symmetric_with_nan_diagonal_and_equals_pairwise_estimates(pair, capsys):
    x, y, _ = pair
    rng = np.random.default_rng(3)
    table = np.stack([x, y, rng.normal(size=x.size), x + 0.1 * rng.normal(size=x.size)], axis=1)
    m = mutinf.matrix(table, method="ksg", progress=True, chunk=2)
    assert "6/6 pairs" in capsys.readouterr().err
    assert np.all(np.isnan(np.diag(m))) and np.allclose(m, m.T, equal_nan=True)
    for i in range(4):
        for j in range(i + 1, 4):
            assert m[i, j] == mutinf.estimate(table[:, i], table[:, j], method="ksg").mi
    assert np.argmax(np.nan_to_num(m[0], nan=-1)) == 3
    mi = mutinf.matrix(table)
    assert mi[0, 1] == pytest.approx(mutinf.estimate(x, y).mi, abs=1e-9)


def test_infonet_objects_load_builtin_and_files(pair):
    x, y, _ = pair
    assert "infonet-gt" in mutinf.InfoNet.names()
    net = mutinf.InfoNet.pretrained()
    assert net.estimate(x, y).mi == mutinf.estimate(x, y).mi
    assert net.metadata  # the checkpoint's config, steps, scores
    from conftest import REPO

    loaded = mutinf.InfoNet.load(REPO / "checkpoints" / "infonet-gt.safetensors")
    assert loaded.estimate(x, y).mi == pytest.approx(net.estimate(x, y).mi, abs=1e-12)
    table = mutinf.InfoNet.pretrained("infonet-small")
    assert table.estimate(x, y).params["readout"] == "scale-fitted"
    assert len(net.estimate_many([(x, y), (y, x)])) == 2


def test_multicolumn_infonet_is_sliced_and_says_so(pair):
    x, y, _ = pair
    e = mutinf.estimate(np.stack([x, y ** 2], axis=1), y, sliced=16)
    assert e.params["sliced"] == 16 and any("sliced MI" in n for n in e.notes)


def test_multicolumn_default_is_an_estimate_of_i_x_y(pair):
    x, y, _ = pair
    xx = np.stack([x, y ** 2], axis=1)
    e = mutinf.estimate(xx, y)
    assert e.method == "ksg" and "I(X;Y) estimated by KSG" in e.notes[0]
    assert e.mi == mutinf.estimate(xx, y, method="ksg").mi
    with pytest.raises(ValueError, match="sliced=P"):
        mutinf.estimate(xx, y, method="infonet")


def test_threads_can_estimate_concurrently(pair):
    x, y, _ = pair
    jobs = [(x, y, "ksg"), (y, x, "infonet"), (x, y ** 3, "kde"), (x[:1000], y[:1000], "infonet")] * 4
    sequential = [mutinf.estimate(a, b, method=m).mi for a, b, m in jobs]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        concurrent_values = list(pool.map(lambda j: mutinf.estimate(j[0], j[1], method=j[2]).mi, jobs))
    assert concurrent_values == pytest.approx(sequential, abs=1e-12)


@pytest.mark.parametrize("x,y,message", [
    (np.array([1.0, np.nan, 3.0] * 20), np.arange(60.0), "non-finite value NaN"),
    (np.array([1.0, np.inf, 3.0] * 20), np.arange(60.0), "non-finite value inf"),
    ([[1.0, 2.0], [3.0]], [1.0, 2.0], "cannot be read as a numeric array"),
    (np.array(["a", "b", "c"] * 20), np.arange(60.0), "dtype <U1"),
    (np.zeros((10, 2, 2)), np.arange(10.0), "3-D"),
    (np.array([]), np.array([]), "empty"),
    (np.arange(50.0), np.arange(40.0), "X has 50 rows but Y has 40"),
    (np.ones(50), np.arange(50.0), "is constant"),
])
def test_bad_input_raises_value_error_naming_the_problem(x, y, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        mutinf.estimate(x, y, method="ksg")


@pytest.mark.parametrize("params,message", [
    ({"method": "nope"}, "is not one of infonet"),
    ({"method": "kde", "k": 3}, "method 'kde' has no option 'k'"),
    ({"method": "ksg", "k": 0}, "invalid k"),
    ({"method": "ksg", "k": 5000}, "needs at least"),
    ({"method": "ksg", "k": -1}, "non-negative integer"),
    ({"method": "kde", "bandwidth": "wide"}, "bandwidth=\"wide\" is not one of"),
    ({"checkpoint": "/no/such/file.safetensors"}, "no/such/file"),
    ({"readout": "magic"}, "readout=\"magic\""),
    ({"device": "gpu"}, "built for the CPU"),
    ({"sliced": 0}, "slices"),
])
def test_bad_options_raise_value_error(pair, params, message):
    x, y, _ = pair
    with pytest.raises(ValueError, match=message):
        mutinf.estimate(np.stack([x, y], axis=1) if "sliced" in params else x, y, **params)


def test_bad_checkpoints_fail_at_load_time(tmp_path):
    bad = tmp_path / "garbage.safetensors"
    bad.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match="garbage.safetensors"):
        mutinf.InfoNet.load(bad)
    with pytest.raises(ValueError, match="the built-in ones are"):
        mutinf.InfoNet.pretrained("infonet-huge")
