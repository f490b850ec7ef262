"""scikit-learn and BMI adapters."""

import numpy as np
import pytest

import mutinf
from mutinf.bmi import Estimator
from mutinf.sklearn import mutual_info_regression


def test_selectkbest_picks_the_informative_features():
    feature_selection = pytest.importorskip("sklearn.feature_selection")
    rng = np.random.default_rng(7)
    n, d = 1500, 10
    X = rng.normal(size=(n, d))
    # Features 2, 5 and 8 drive y, two of them non-linearly (invisible to correlation).
    y = np.sin(2 * X[:, 2]) + X[:, 5] ** 2 + 0.5 * X[:, 8] + 0.2 * rng.normal(size=n)
    for method in ("ksg", "infonet"):
        selector = feature_selection.SelectKBest(lambda X, y: mutual_info_regression(X, y, method=method), k=3).fit(X, y)
        assert sorted(np.flatnonzero(selector.get_support())) == [2, 5, 8], method
    scores = mutual_info_regression(X, y, n_neighbors=5)
    assert scores.shape == (d,) and np.all(scores >= 0)
    assert scores[5] == max(mutinf.estimate(X[:, 5], y, method="ksg", k=5).mi, 0.0)


def test_scores_close_to_scikit_learns_own():
    feature_selection = pytest.importorskip("sklearn.feature_selection")
    rng = np.random.default_rng(8)
    X = rng.normal(size=(2000, 3))
    y = X[:, 0] + 0.5 * rng.normal(size=2000)
    ours = mutual_info_regression(X, y)
    theirs = feature_selection.mutual_info_regression(X, y, n_neighbors=3, random_state=0)
    # scikit-learn adds 1e-10-scale noise and standardises; the KSG value is otherwise the same.
    assert ours == pytest.approx(theirs, abs=0.01)


def test_bmi_estimator_returns_the_estimate_as_a_float():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(800, 3))
    y = x[:, :1] - x[:, 1:2] + rng.normal(size=(800, 1))
    est = Estimator(method="ksg", k=4)
    value = est.estimate(x, y)
    assert isinstance(value, float) and value == mutinf.estimate(x, y, method="ksg", k=4).mi
    assert est.parameters() == {"method": "ksg", "k": 4}
    assert est.estimate_with_info(x, y).n == 800
