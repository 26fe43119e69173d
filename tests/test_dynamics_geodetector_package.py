"""Our geographical detector against the PyPI package ``geodetector`` 0.2.0 (lvyaqiao/geodetector,
modelled on the R packages GD and gdverse) and against hand arithmetic, detector by detector.

What the package does differently, and what the tests pin (docs/method.md § 9.6):

- q: the package drops the cities of one-city strata before computing q (SST too); we keep them
  (their within-stratum variance is 0, as in q = 1 − Σ N_h σ_h² / (N σ²)). Equal when every stratum
  has two or more cities — always so for our single factors, not for the overlays of the
  interaction detector.
- F test: both use the non-central F(L − 1, N − L; λ) of Wang, Zhang & Fu (2016) with the
  population variance in λ; the package returns p only, as 1 − cdf (we use the survival function).
- interaction type: the same five classes; the package treats "independent" only for
  q12 ≥ q1 + q2 within 1e-10 and has no tolerance at max(q1, q2); we use ±1e-12 on both.
- risk detector: both Welch's t; the package leaves pairs with a one-city stratum out, we keep
  them with NaN.
- ecological detector: the package's (1 − q1)/(1 − q2) equals our SSW1/SSW2 (same N); both
  two-sided with F(N − 1, N − 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from geodetector import EcologicalDetector, InteractionDetector, RiskDetector, discretize
from geodetector._stats import interaction_type as package_interaction_type
from geodetector._stats import q_significance_test, q_statistic
from scipy import stats

from urban_resilience.dynamics import geodetector as gd

# The package's interaction codes in our words.
PACKAGE_TYPES = {0: "nonlinear-weaken", 1: "uni-variable weaken", 2: "bi-variable enhance", 3: "independent",
                 4: "nonlinear-enhance"}

# Hand case: 8 cities, two factors of two strata each, the overlay has four strata of two cities.
Y = np.array([1.0, 3.0, 4.0, 6.0, 5.0, 7.0, 10.0, 12.0])
X1 = np.array([0, 0, 0, 0, 1, 1, 1, 1])
X2 = np.array([0, 0, 1, 1, 0, 0, 1, 1])


def frame(**columns: np.ndarray) -> pd.DataFrame:
    """Strata as categorical columns: the package then uses them as they are (an integer column with
    more than √N levels would be re-discretised into 5 quantile classes)."""
    return pd.DataFrame({name: pd.Categorical(values) for name, values in columns.items()})


def test_factor_detector_hand_case():
    """Y = 1 3 4 6 | 5 7 10 12, Ȳ = 6, SST = Nσ² = 25+9+4+0+1+1+16+36 = 92 (σ² = 11.5).

    X1 = {1,3,4,6}, {5,7,10,12}: means 3.5, 8.5; SSW = 13 + 29 = 42; q1 = 1 − 42/92 = 25/46.
    F = (N − L)/(L − 1) · q/(1 − q) = 6 · 50/42 = 50/7 (the one-way ANOVA F: MSB 50 / MSW 7).
    λ (Wang, Zhang & Fu 2016) = [Σ Ȳ_h² − (Σ √N_h Ȳ_h)²/N] / σ² = [84.5 − 24²/8] / 11.5 = 25/23;
    p = P(F'(1, 6; 25/23) ≥ 50/7) = 0.1126 (the central F would give 0.0369: the package uses the
    non-central one, as we do).
    X2 = {1,3,5,7}, {4,6,10,12}: means 4, 8; SSW = 20 + 40 = 60; q2 = 32/92 = 8/23; F = 6 · 32/60 = 3.2;
    λ = [80 − 72]/11.5 = 16/23.
    """
    for strata, q_hand, f_hand, lam_hand in ((X1, 25 / 46, 50 / 7, 25 / 23), (X2, 8 / 23, 3.2, 16 / 23)):
        p_hand = stats.ncf.sf(f_hand, 1, 6, lam_hand)
        f, p = gd.f_test(Y, strata)
        assert gd.q_statistic(Y, strata) == pytest.approx(q_hand, rel=1e-14)
        assert q_statistic(Y, strata) == pytest.approx(q_hand, rel=1e-14)
        assert f == pytest.approx(f_hand, rel=1e-14)
        assert p == pytest.approx(p_hand, rel=1e-12)
        assert q_significance_test(Y, strata) == pytest.approx(p_hand, rel=1e-12)
    assert stats.ncf.sf(50 / 7, 1, 6, 25 / 23) == pytest.approx(0.11260680886, rel=1e-9)
    assert stats.f.sf(50 / 7, 1, 6) == pytest.approx(0.03689778463, rel=1e-9)


def test_interaction_detector_hand_cases():
    """Overlay X1 ∩ X2 = {1,3}, {4,6}, {5,7}, {10,12}: SSW = 2+2+2+2 = 8, q12 = 84/92 = 21/23 = 0.913
    > q1 + q2 = 50/92 + 32/92 = 82/92: nonlinear-enhance.

    Additive case Y = 1 3 | 5 7 | 11 13 | 15 17 (cell means 2, 6, 12, 16: +10 for X1, +4 for X2, no
    interaction), Ȳ = 9, SST = 240: SSW1 = 2·(9+1+1+9) = 40 → q1 = 200/240 = 5/6; SSW2 = 2·(36+4+4+36)
    = 208 → q2 = 32/240 = 2/15; SSW12 = 4·2 = 8 → q12 = 232/240 = 29/30 = q1 + q2: independent.
    """
    for y, q1, q2, q12, kind in ((Y, 25 / 46, 8 / 23, 21 / 23, "nonlinear-enhance"),
                                 (np.array([1.0, 3, 5, 7, 11, 13, 15, 17]), 5 / 6, 2 / 15, 29 / 30, "independent")):
        ours = gd.detect(pd.DataFrame({"total": y, "a": X1, "b": X2}), "total", ["a", "b"], [2], 2000)
        row = ours["interaction"][0]
        package = InteractionDetector().fit(frame(a=X1, b=X2), y).pairs_[0]
        assert (row["q_1"], row["q_2"], row["q_interaction"]) == pytest.approx((q1, q2, q12), rel=1e-14)
        assert (package["q_1"], package["q_2"], package["q_12"]) == pytest.approx((q1, q2, q12), rel=1e-14)
        assert row["type"] == PACKAGE_TYPES[package["interaction_type"]] == kind


@pytest.mark.parametrize(("q1", "q2", "q12", "ours", "package"), [
    (0.3, 0.4, 0.3, "uni-variable weaken", "uni-variable weaken"),  # q12 = min: both uni-variable
    (0.3, 0.4, 0.4, "uni-variable weaken", "uni-variable weaken"),  # q12 = max: both uni-variable
    (0.3, 0.4, 0.4 + 1e-13, "uni-variable weaken", "bi-variable enhance"),  # rounding above max
    (0.3, 0.4, 0.7 - 1e-13, "independent", "bi-variable enhance"),  # rounding below q1 + q2
    (0.3, 0.4, 0.7 + 1e-13, "independent", "independent"),
    (0.3, 0.4, 0.7 + 1e-9, "nonlinear-enhance", "nonlinear-enhance"),
])
def test_interaction_classes_differ_only_within_rounding_of_a_boundary(q1, q2, q12, ours, package):
    assert gd.interaction_type(q1, q2, q12) == ours
    assert PACKAGE_TYPES[package_interaction_type(q1, q2, q12)] == package


def test_risk_detector_hand_case():
    """X1: {1,3,4,6} (mean 3.5, s² = 13/3) against {5,7,10,12} (mean 8.5, s² = 29/3): Welch's
    t = (3.5 − 8.5) / √(13/12 + 29/12) = −5/√3.5 = −2.6726, ν = 3.5² / [(13/12)²/3 + (29/12)²/3] = 5.24."""
    t_hand = -5 / np.sqrt(3.5)
    nu = 3.5**2 / ((13 / 12) ** 2 / 3 + (29 / 12) ** 2 / 3)
    p_hand = 2 * stats.t.sf(abs(t_hand), nu)
    (ours,) = gd.risk_rows(Y, X1, {})
    package = RiskDetector().fit(frame(a=X1), Y).risk_result_["a"].iloc[0]
    assert (ours["mean_a"], ours["mean_b"]) == (3.5, 8.5)
    assert ours["t"] == pytest.approx(t_hand, rel=1e-13) and package["t_stat"] == pytest.approx(t_hand, rel=1e-13)
    assert ours["p"] == pytest.approx(p_hand, rel=1e-10) and package["p_value"] == pytest.approx(p_hand, rel=1e-10)


def test_ecological_detector_hand_case():
    """F = SSW_X1 / SSW_X2 = 42/60 = 0.7 (= (1 − q1)/(1 − q2) = (42/92)/(60/92)); F < 1, so the
    two-sided p = 2 P(F(7, 7) ≤ 0.7) = 0.6497."""
    f, p = gd.ecological_test(Y, X1, X2)
    package = EcologicalDetector().fit(frame(a=X1, b=X2), Y).eco_result_.iloc[0]
    assert f == pytest.approx(0.7, rel=1e-14) and package["f_stat"] == pytest.approx(0.7, rel=1e-14)
    assert p == pytest.approx(2 * stats.f.cdf(0.7, 7, 7), rel=1e-12)
    assert package["p_value"] == pytest.approx(p, rel=1e-12)


def test_one_city_strata_are_kept_by_us_and_dropped_by_the_package():
    """Y = 1 3 | 5 7 | 14 (the last stratum one city). Ours: Ȳ = 6, SST = 25+9+1+1+64 = 100, SSW = 2 + 2
    + 0 = 4, q = 0.96. The package drops the lone city: Y = 1 3 5 7, SST = 20, SSW = 4, q = 0.8."""
    y, strata = np.array([1.0, 3, 5, 7, 14]), np.array([0, 0, 1, 1, 2])
    assert gd.q_statistic(y, strata) == pytest.approx(0.96)
    assert q_statistic(y, strata) == pytest.approx(0.8)
    assert q_statistic(y, strata) == pytest.approx(gd.q_statistic(y[:4], strata[:4]))


def random_case(seed: int, n: int, levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Y with a stratum effect, and two factors of ``levels`` strata with at least two cities each."""
    rng = np.random.default_rng(seed)
    x1 = rng.permutation(np.arange(n) % levels)
    x2 = rng.permutation(np.arange(n) % max(2, levels - 1))
    y = rng.normal(size=n) + 0.6 * x1 + 0.3 * x2 ** 2
    return y, x1, x2


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize(("n", "levels"), [(12, 2), (28, 3), (28, 5), (40, 6)])
def test_all_four_detectors_agree_with_the_package_on_random_data(seed, n, levels):
    y, x1, x2 = random_case(seed, n, levels)
    for strata in (x1, x2):
        f, p = gd.f_test(y, strata)
        assert gd.q_statistic(y, strata) == pytest.approx(q_statistic(y, strata), rel=1e-12, abs=1e-15)
        assert p == pytest.approx(q_significance_test(y, strata), rel=1e-9, abs=1e-14)
        package = RiskDetector().fit(frame(a=strata), y).risk_result_["a"]
        ours = pd.DataFrame(gd.risk_rows(y, strata, {}))
        assert ours[["stratum_a", "stratum_b"]].to_numpy().tolist() == package[["stratum_1", "stratum_2"]].to_numpy(
        ).tolist()
        np.testing.assert_allclose(ours["t"], package["t_stat"], rtol=1e-12)
        np.testing.assert_allclose(ours["p"], package["p_value"], rtol=1e-9)
    f, p = gd.ecological_test(y, x1, x2)
    package = EcologicalDetector().fit(frame(a=x1, b=x2), y).eco_result_.iloc[0]
    assert f == pytest.approx(package["f_stat"], rel=1e-12)
    assert p == pytest.approx(package["p_value"], rel=1e-9)

    # Interaction: the same q12 on the cities of the overlay cells of two or more cities; ours counts the
    # one-city cells too, which can only raise q12 (a refinement of X1 and of X2 never raises SSW).
    overlay = x1 * (x2.max() + 1) + x2
    package = InteractionDetector().fit(frame(a=x1, b=x2), y).pairs_[0]
    ours = gd.q_statistic(y, overlay)
    kept = np.isin(overlay, np.flatnonzero(np.bincount(overlay) >= 2))
    assert package["q_12"] == pytest.approx(gd.q_statistic(y[kept], overlay[kept]), rel=1e-12)
    assert ours >= max(gd.q_statistic(y, x1), gd.q_statistic(y, x2)) - 1e-12
    if kept.all():
        assert ours == pytest.approx(package["q_12"], rel=1e-12)
        q1, q2 = gd.q_statistic(y, x1), gd.q_statistic(y, x2)
        assert gd.interaction_type(q1, q2, ours) == PACKAGE_TYPES[package["interaction_type"]]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("method", ["quantile", "equal"])
@pytest.mark.parametrize("k", [3, 4, 5, 6])
def test_discretisation_matches_mapclassify_through_the_package(seed, method, k):
    """Same strata as the package's mapclassify Quantiles / EqualInterval (a value on a cut goes to the
    lower stratum in both); values with ties may sit on a cut, where the two cuts differ in the last
    bit: those cities alone may differ, by one stratum."""
    rng = np.random.default_rng(seed)
    x = rng.lognormal(size=int(rng.integers(12, 60)))
    assert (gd.discretise(x, method, k) == discretize(x, discretize_method=method, n_strata=k)).all()
    x = np.round(x, 1)
    ours, package = gd.discretise(x, method, k), discretize(x, discretize_method=method, n_strata=k)
    if method == "quantile":
        cuts = np.quantile(x, np.arange(1, k) / k)
    else:
        cuts = np.linspace(x.min(), x.max(), k + 1)[1:-1]
    on_a_cut = np.isclose(x[:, None], cuts[None, :], rtol=1e-12, atol=0).any(axis=1)
    assert (ours[~on_a_cut] == package[~on_a_cut]).all()
    assert (np.abs(ours - package) <= 1).all()
