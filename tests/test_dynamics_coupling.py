"""Coupling coordination: hand cases of the modified coupling degree, invariants, classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from urban_resilience.dynamics import coupling


def test_two_systems_by_hand():
    # n = 2: C = √[(1 − |U1 − U2|) · U_min/U_max]; U = (0.2, 0.4): √(0.8 · 0.5) = √0.4
    assert coupling.modified_coupling(np.array([[0.2, 0.4]]))[0] == pytest.approx(np.sqrt(0.4))
    # traditional 2√(U1U2)/(U1 + U2) = 2√0.08/0.6
    assert coupling.traditional_coupling(np.array([[0.2, 0.4]]))[0] == pytest.approx(2 * np.sqrt(0.08) / 0.6)


def test_three_systems_by_hand():
    """U = (0.2, 0.5, 0.8): pairwise |U_i − U_j| = 0.3, 0.6, 0.3, sum 1.2 over Σ_{m=1}^{2} m = 3 pairs → 1 − 0.4
    = 0.6; ratios to the top 0.25, 0.625, 1 → product 0.15625, to the power 1/(n − 1) = 1/2 → 0.395285;
    C = √(0.6 · 0.395285) = √0.237171 = 0.48700. The traditional 3 (0.2 · 0.5 · 0.8)^{1/3} / 1.5 =
    2 · 0.08^{1/3} = 0.86177 stays near 1. With α = 1/3, T = 0.5 and D = √(0.48700 · 0.5) = 0.49346:
    "on the verge of imbalance" (0.4, 0.5]."""
    u = np.array([[0.2, 0.5, 0.8]])
    c = coupling.modified_coupling(u)[0]
    assert c == pytest.approx(np.sqrt(0.6 * 0.15625**0.5)) and c == pytest.approx(0.48700, abs=5e-6)
    assert coupling.traditional_coupling(u)[0] == pytest.approx(2 * 0.08 ** (1 / 3))
    d = np.sqrt(c * 0.5)
    assert d == pytest.approx(0.49346, abs=5e-6)
    assert coupling.CLASSES[coupling.coordination_class(np.array([d]))[0]] == "on the verge of imbalance"


def reference_wang_c(row: np.ndarray) -> float:
    """Wang et al.'s C written as the CRAN package coupling 0.2 computes it (ccd(method = "wang"),
    inst/include/coupling/ccd.hpp): a double loop over the pairs, then the product of U_i / max U."""
    n = len(row)
    distance = sum(abs(row[i] - row[j]) for i in range(n - 1) for j in range(i + 1, n))
    first = 1 - distance / ((n - 1) * n / 2)
    top = max(row)
    return float(np.sqrt(first * np.prod([value / top for value in row]) ** (1 / (n - 1))))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_modified_coupling_is_the_loop_of_the_coupling_package(n):
    rng = np.random.default_rng(n)
    u = rng.uniform(0.0, 1.0, size=(50, n))
    u[0, 1] = 0.0  # one system at zero: C = 0
    expected = [reference_wang_c(row) for row in u]
    np.testing.assert_allclose(coupling.modified_coupling(u), expected, rtol=1e-12, atol=0)
    assert coupling.modified_coupling(u)[0] == 0.0


# Wang et al. (2021), Table 8, 2008: C of the original model (first row) and of the modified model
# (second row) for the ecological and economic systems of the 13 Beijing–Tianjin–Hebei cities.
TABLE_8_2008 = ([0.9989, 0.9935, 0.8868, 0.9073, 0.6821, 0.8328, 0.6816, 0.7789, 0.6871, 0.6101, 0.8017, 0.7867,
                 0.7191],
                [0.9404, 0.8660, 0.5440, 0.5769, 0.3006, 0.4780, 0.3344, 0.4171, 0.3278, 0.2700, 0.4374, 0.4196,
                 0.3738])


def test_the_papers_table_8_fits_the_ratio_to_the_leading_system():
    """For n = 2 the original C = 2√r/(1 + r) gives r = U_min/U_max (√r the smaller root of
    s² − (2/C) s + 1 = 0), and the modified C² = (1 − |U1 − U2|) · r = (1 − U_max (1 − r)) · r gives
    U_max = (1 − C²/r) / (1 − r). Every city of Table 8 then has a U_max in (0, 1] (0.27–0.50), and the
    two formulas give back both published values: the paper's numbers fit (Π U_i / max U)^{1/(n−1)}
    with every U_i divided by the maximum. Read as (Π U_i) / max U (the other systems' absolute
    geometric mean), C² = (1 − U_max (1 − r)) · r · U_max would have to reach 0.9404² = 0.884 with
    r = 0.910 for Beijing, which no U_max ≤ 1 does (its maximum over U_max ≤ 1 is 0.829)."""
    original, modified = (np.array(values) for values in TABLE_8_2008)
    root = (2 / original - np.sqrt(4 / original**2 - 4)) / 2
    ratio = root**2
    top = (1 - modified**2 / ratio) / (1 - ratio)
    assert ((top > 0.25) & (top <= 0.51)).all()
    u = np.column_stack([ratio * top, top])
    np.testing.assert_allclose(coupling.traditional_coupling(u), original, rtol=1e-12)
    np.testing.assert_allclose(coupling.modified_coupling(u), modified, rtol=1e-12)
    levels = np.linspace(0.0, 1.0, 100_001)
    assert ((1 - levels * (1 - ratio[0])) * ratio[0] * levels).max() < modified[0] ** 2 - 0.05


def test_five_systems_by_hand():
    u = np.array([[0.1, 0.2, 0.3, 0.4, 0.5]])
    # pairwise |differences|: 0.1 × 4 + 0.2 × 3 + 0.3 × 2 + 0.4 × 1 = 2.0 over 10 pairs → 1 − 0.2 = 0.8;
    # ratios to the top 0.2, 0.4, 0.6, 0.8, 1 → product 0.0384, to the power 1/4
    assert coupling.modified_coupling(u)[0] == pytest.approx(np.sqrt(0.8 * 0.0384 ** 0.25))


def test_equal_systems_couple_perfectly():
    assert coupling.modified_coupling(np.full((1, 5), 0.37))[0] == pytest.approx(1.0)
    assert coupling.traditional_coupling(np.full((1, 5), 0.37))[0] == pytest.approx(1.0)


def test_a_missing_system_gives_zero_and_nothing_developed_is_undefined():
    assert coupling.modified_coupling(np.array([[0.0, 0.5, 0.5, 0.5, 0.5]]))[0] == 0.0
    assert np.isnan(coupling.modified_coupling(np.zeros((1, 5)))[0])


@settings(max_examples=200, deadline=None)
@given(arrays(float, (8, 5), elements=st.floats(0.0, 1.0)))
def test_c_and_d_lie_in_the_unit_interval(u):
    c = coupling.modified_coupling(u)
    defined = ~np.isnan(c)
    assert ((c[defined] >= 0) & (c[defined] <= 1 + 1e-12)).all()
    t = u.mean(axis=1)
    d = np.sqrt(c[defined] * t[defined])
    assert ((d >= 0) & (d <= 1 + 1e-12)).all()


def test_classes_of_d_include_their_upper_bound():
    d = np.array([0.0, 0.05, 0.1, 0.1 + 1e-9, 0.3 + 1e-17, 0.55, 0.9, 0.95, 1.0])
    assert coupling.coordination_class(d).tolist() == [0, 0, 0, 1, 2, 5, 8, 9, 9]
    assert coupling.CLASSES[5] == "barely coordinated" and coupling.CLASSES_CN[5] == "勉强协调"


def test_coupling_table_normalises_by_the_dimension_weight():
    weights = pd.DataFrame({"year": [2000] * 5, "indicator": ["a", "b", "c", "d", "e"],
                            "weight": [0.4, 0.1, 0.2, 0.2, 0.1]})
    dimensions = pd.DataFrame({"code": ["a", "b", "c", "d", "e"], "dimension": list(coupling.DIMENSIONS)})
    maxima = coupling.dimension_maxima(weights, dimensions)
    # every dimension at half its maximum: U = 0.5 everywhere, C = 1, T = 0.5, D = √0.5
    scores = pd.DataFrame([{"admin_code": "000001", "year": 2000,
                            **{d: 0.5 * w for d, w in zip(coupling.DIMENSIONS, [0.4, 0.1, 0.2, 0.2, 0.1])}}])
    table = coupling.coupling_table(scores, maxima)
    assert table[[f"U_{d}" for d in coupling.DIMENSIONS]].to_numpy().tolist() == [[0.5] * 5]
    assert table["C"].iloc[0] == pytest.approx(1.0)
    assert table["D"].iloc[0] == pytest.approx(np.sqrt(0.5))
    assert table["class"].iloc[0] == "intermediate coordination"  # D = 0.707 lies in (0.7, 0.8]


WEIGHTS = [0.4, 0.1, 0.2, 0.2, 0.1]


def hand_maxima(year: int = 2000) -> pd.DataFrame:
    weights = pd.DataFrame({"year": [year] * 5, "indicator": ["a", "b", "c", "d", "e"], "weight": WEIGHTS})
    dimensions = pd.DataFrame({"code": ["a", "b", "c", "d", "e"], "dimension": list(coupling.DIMENSIONS)})
    return coupling.dimension_maxima(weights, dimensions)


def scores_of(rows: list[list[float]]) -> pd.DataFrame:
    """City-years 000001, 000002, … of 2000 whose dimensions are at U × their weight."""
    return pd.DataFrame([{"admin_code": f"{i + 1:06d}", "year": 2000,
                          **{d: u_d * w for d, u_d, w in zip(coupling.DIMENSIONS, u, WEIGHTS)}}
                         for i, u in enumerate(rows)])


def test_coupling_table_of_a_hand_case_with_both_weightings():
    # U = (0.5, 1, 0.5, 0.25, 0.5): pairwise |differences| sum to 3 over 10 pairs → 1 − 0.3 = 0.7; ratios to the
    # top multiply to 1/32 → (1/32)^(1/4); traditional 5 (1/32)^(1/5) / 2.75 = 2.5/2.75; T = 2.75/5 (equal)
    # or Σ W_d U_d = 0.2 + 0.1 + 0.1 + 0.05 + 0.05 = 0.5 (dimension weights); D ≈ 0.546 and 0.521: class 5
    scores = scores_of([[0.5, 1.0, 0.5, 0.25, 0.5]])
    c = np.sqrt(0.7 * (1 / 32) ** 0.25)
    for alpha, t in (("equal", 0.55), ("dimension", 0.5)):
        table = coupling.coupling_table(scores, hand_maxima(), alpha)
        assert list(table.columns) == ["admin_code", "year", *[f"U_{d}" for d in coupling.DIMENSIONS], "C",
                                       "C_traditional", "T", "D", "class", "class_cn"]
        row = table.iloc[0]
        assert row[[f"U_{d}" for d in coupling.DIMENSIONS]].tolist() == pytest.approx([0.5, 1.0, 0.5, 0.25, 0.5])
        assert row["C"] == pytest.approx(c, rel=1e-12)
        assert row["C_traditional"] == pytest.approx(2.5 / 2.75, rel=1e-12)
        assert row["T"] == pytest.approx(t, rel=1e-12)
        assert row["D"] == pytest.approx(np.sqrt(c * t), rel=1e-12)
        assert (row["admin_code"], row["year"], row["class"], row["class_cn"]) == (
            "000001", 2000, "barely coordinated", "勉强协调")


def test_nothing_developed_is_not_defined_and_a_missing_system_is_extreme_imbalance():
    table = coupling.coupling_table(scores_of([[0.0] * 5, [0.0, 1.0, 1.0, 1.0, 1.0]]), hand_maxima())
    assert np.isnan(table["C"].iloc[0]) and np.isnan(table["D"].iloc[0])
    assert table["class"].tolist() == ["not defined", "extreme imbalance"]
    assert table["class_cn"].tolist() == ["无定义", "极度失调"]
    assert table["D"].iloc[1] == 0.0 and table["T"].iloc[1] == pytest.approx(0.8)


def test_scores_beyond_their_dimension_weight_stop_with_city_year_and_dimension():
    with pytest.raises(ValueError, match=r"^coupling: social of city 000002 in 2000 is 1\.500000 of its dimension "
                                         r"weight; expected 0–1 \(are the scores made with these weights\?\)$"):
        coupling.coupling_table(scores_of([[0.0, 1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 1.5, 0.5, 0.5]]), hand_maxima())
    with pytest.raises(ValueError, match="ecological of city 000001 in 2000 is -0.100000"):
        coupling.coupling_table(scores_of([[0.5, -0.1, 0.5, 0.5, 0.5]]), hand_maxima())
    # rounding is tolerated and clipped: 1 + 1e-10 and −1e-13 become 1 and 0
    table = coupling.coupling_table(scores_of([[1.0 + 1e-10, 1.0, 1.0, 1.0, 1.0], [-1e-13, 1.0, 1.0, 1.0, 1.0]]),
                                    hand_maxima())
    assert table["U_economic"].tolist() == [1.0, 0.0]


def test_an_unknown_alpha_and_an_indicator_without_dimension_stop():
    with pytest.raises(ValueError, match=r"^dynamics.coupling.alpha is 'entropy'; expected 'equal' or 'dimension'$"):
        coupling.coupling_table(scores_of([[0.5] * 5]), hand_maxima(), "entropy")
    weights = pd.DataFrame({"year": [2000, 2000], "indicator": ["a", "z"], "weight": [0.5, 0.5]})
    dimensions = pd.DataFrame({"code": ["a"], "dimension": ["economic"]})
    with pytest.raises(ValueError, match=r"^coupling: indicator\(s\) \['z'\] of the yearly weights have no dimension "
                                         r"in weights.csv$"):
        coupling.dimension_maxima(weights, dimensions)


def test_dimension_maxima_sum_the_weights_of_each_year():
    weights = pd.DataFrame({"year": [2000] * 6 + [2001] * 6, "indicator": list("abcdef") * 2,
                            "weight": [0.3, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.1, 0.2, 0.2, 0.2, 0.2]})
    dimensions = pd.DataFrame({"code": list("abcdef"), "dimension": [*coupling.DIMENSIONS, "economic"]})
    maxima = coupling.dimension_maxima(weights, dimensions)
    assert list(maxima.columns) == list(coupling.DIMENSIONS)
    assert maxima.loc[2000].tolist() == pytest.approx([0.4, 0.1, 0.1, 0.2, 0.2])
    assert maxima.loc[2001].tolist() == pytest.approx([0.3, 0.1, 0.2, 0.2, 0.2])


def test_rows_are_city_years_of_their_own():
    u = np.array([[0.2, 0.4, 0.4, 0.4, 0.4], [0.1, 0.2, 0.3, 0.4, 0.5], [0.37] * 5])
    for function in (coupling.modified_coupling, coupling.traditional_coupling):
        together = function(u)
        assert together.shape == (3,)
        np.testing.assert_allclose(together, [function(row[None, :])[0] for row in u], rtol=1e-12)
    assert coupling.modified_coupling(u)[1] == pytest.approx(np.sqrt(0.8 * 0.0384 ** 0.25))


def test_dimension_weighting_divides_by_the_years_total_weight():
    # maxima of two years that do not sum to 1: α_d = W_d / Σ W, T = Σ W_d U_d / Σ W
    maxima = pd.DataFrame([[0.4, 0.4, 0.4, 0.4, 0.4], [0.1, 0.2, 0.3, 0.2, 0.2]], index=[2000, 2001],
                          columns=list(coupling.DIMENSIONS))
    scores = pd.DataFrame([{"admin_code": "000001", "year": 2000, **dict(zip(coupling.DIMENSIONS, [0.2] * 5))},
                           {"admin_code": "000001", "year": 2001,
                            **dict(zip(coupling.DIMENSIONS, [0.1, 0.1, 0.3, 0.1, 0.0]))}])
    table = coupling.coupling_table(scores, maxima, "dimension")
    # 2000: U = 0.5 everywhere, T = 0.5; 2001: U = (1, 0.5, 1, 0.5, 0), T = (0.1 + 0.1 + 0.3 + 0.1 + 0)/1
    assert table["T"].tolist() == pytest.approx([0.5, 0.6])
    assert table["U_institutional"].tolist() == [0.5, 0.0]
    assert table["C"].tolist() == pytest.approx([1.0, 0.0])
    assert table["class"].tolist() == ["intermediate coordination", "extreme imbalance"]


def test_classes_round_away_only_the_last_bits_and_keep_d_above_one_in_the_top_class():
    d = np.array([0.1 + 4e-13, 0.1 + 5e-12, 1.0 + 1e-9, 1.0 + 1e-16])
    assert coupling.coordination_class(d).tolist() == [0, 1, 9, 9]
