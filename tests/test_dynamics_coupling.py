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
