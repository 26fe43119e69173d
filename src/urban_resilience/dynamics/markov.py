"""Discrete Markov chains of the scores: classic, spatial (neighbour-conditioned) and LISA Markov.

Notation (Rey 2001; Bickenbach & Bode 2003; Kemeny & Snell 1976):

- :math:`c_{it}` the class of city i in year t (a tier or a quantile class of the relative
  score :math:`x_{it} / \\bar x_t`), k classes.
- :math:`n_{ij} = \\#\\{(i', t): c_{i't} = i, c_{i',t+1} = j\\}` the transition counts and
  :math:`n_i = \\sum_j n_{ij}`; the maximum-likelihood transition probability
  :math:`p_{ij} = n_{ij} / n_i` (undefined, reported as NaN, when :math:`n_i = 0`).
- Spatial Markov: the counts :math:`n_{ij}(l)` of the cities whose neighbours' mean
  (spatial lag :math:`\\sum_j w_{ij} x_{jt}`, row-standardised W) is in class l in the start year.
- LISA Markov: classes are the Moran scatterplot quadrants of :math:`z_t = x_t - \\bar x_t` and
  :math:`W z_t` (1 high-high, 2 low-high, 3 low-low, 4 high-low, esda's numbering).
- Steady state :math:`\\pi = \\pi P`, :math:`\\sum \\pi = 1`; sojourn time :math:`1/(1 - p_{ii})`;
  first mean passage times :math:`M = (I - Z + E Z_{dg}) D` with the fundamental matrix
  :math:`Z = (I - P + \\mathbf{1}\\pi^\\top)^{-1}` and :math:`D = \\mathrm{diag}(1/\\pi)` (its diagonal
  is the mean recurrence time :math:`1/\\pi_i`).
- Homogeneity of the conditioned chains (Bickenbach & Bode 2003):
  :math:`LR = 2 \\sum_l \\sum_i \\sum_j n_{ij}(l) \\ln(p_{ij}(l) / p_{ij})` over cells with
  :math:`n_{ij}(l) > 0`, :math:`Q = \\sum_l \\sum_i \\sum_j n_i(l) (p_{ij}(l) - p_{ij})^2 / p_{ij}`
  over cells with :math:`p_{ij} > 0`, both χ² with :math:`\\sum_i (a_i - 1)(b_i - 1)` degrees of
  freedom, :math:`a_i` the regimes with :math:`n_i(l) > 0` and :math:`b_i` the non-zero cells of
  row i of the pooled matrix, summed over the rows that have transitions.

The arithmetic is NumPy: giddy (the PySAL reference, used by the tests when it is installed) pins
esda below the version this project needs and pulls in numba and llvmlite (see docs/method.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from scipy.sparse.csgraph import connected_components

from urban_resilience.analysis.trends import tier_index
from urban_resilience.core.vocabulary import MEASURES, TIERS  # noqa: F401  (MEASURES: the tests build panels)

LISA_QUADRANTS = ("high-high", "low-high", "low-low", "high-low")


def wide(scores: pd.DataFrame, measure: str, codes: list[str]) -> tuple[np.ndarray, list[int]]:
    """(n cities × t years array of ``measure`` in the order of ``codes``, the years). A city-year
    missing from the scores stops with the city and year named."""
    table = scores.pivot(index="admin_code", columns="year", values=measure)
    missing = sorted(set(codes) - set(table.index))
    if missing:
        raise ValueError(f"dynamics: no scores for city {', '.join(missing)}")
    table = table.loc[codes]
    gaps = table.isna().stack()
    if gaps.any():
        city, year = gaps[gaps].index[0]
        raise ValueError(f"dynamics: {measure} of city {city} in {year} is missing; the Markov chains need every year")
    return table.to_numpy(dtype=float), [int(y) for y in table.columns]


def relative(values: np.ndarray) -> np.ndarray:
    """Relative scores x_it / x̄_t (each year's column over its mean across cities)."""
    return values / values.mean(axis=0, keepdims=True)


def quantile_cutoffs(values: np.ndarray, k: int) -> np.ndarray:
    """The k − 1 inner cut-offs of k pooled quantile classes (NumPy's linear percentiles, as
    mapclassify's Quantiles, which giddy uses)."""
    return np.quantile(np.asarray(values, dtype=float).ravel(), np.arange(1, k) / k)


def classes_of(values: np.ndarray, scheme: str, cutoffs: np.ndarray | None = None) -> np.ndarray:
    """Class of each relative score: ``tiers`` = the project's five tiers of d = x_rel − 1
    (:func:`analysis.trends.tier_index`, 0 = low … 4 = high); ``quantiles`` = class c when
    cutoff_{c−1} < x ≤ cutoff_c (the upper bound belongs to the lower class, as mapclassify)."""
    if scheme == "tiers":
        return tier_index(np.asarray(values) - 1.0)
    if scheme == "quantiles":
        return np.searchsorted(cutoffs, values, side="left")
    raise ValueError(f"dynamics.markov.classes is {scheme!r}; expected 'tiers' or 'quantiles'")


def transition_counts(classes: np.ndarray, k: int) -> np.ndarray:
    """n_ij: how often a city in class i in year t is in class j in year t + 1 (classes: n × t)."""
    start, end = classes[:, :-1].ravel(), classes[:, 1:].ravel()
    return np.bincount(start * k + end, minlength=k * k).reshape(k, k).astype(float)


def conditional_counts(classes: np.ndarray, lag_classes: np.ndarray, k: int, m: int) -> np.ndarray:
    """n_ij(l): transitions of the cities whose neighbours were in lag class l in the start year
    (an m × k × k array)."""
    start, end, lag = classes[:, :-1].ravel(), classes[:, 1:].ravel(), lag_classes[:, :-1].ravel()
    return np.bincount((lag * k + start) * k + end, minlength=m * k * k).reshape(m, k, k).astype(float)


def probabilities(counts: np.ndarray) -> np.ndarray:
    """p_ij = n_ij / n_i along the last axis; rows without transitions are NaN (not 0: an empty
    row says nothing about where a city would go)."""
    totals = counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, counts / np.where(totals > 0, totals, 1.0), np.nan)


def ergodic_part(p: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray | None, str]:
    """(indices of the classes the chain visits, or None, and why not) — the steady state and
    passage times are defined when the visited classes form one irreducible chain: every visited
    class has transitions out and each can reach every other."""
    visited = np.flatnonzero((counts.sum(axis=0) + counts.sum(axis=1)) > 0)
    if len(visited) < 2:
        return None, "fewer than two classes visited"
    empty = [int(i) for i in visited if counts[i].sum() == 0]
    if empty:
        return None, f"class(es) {empty} entered but never left (no transitions out)"
    sub = p[np.ix_(visited, visited)]
    parts, _ = connected_components(sub > 0, directed=True, connection="strong")
    if parts > 1:
        return None, f"reducible chain ({parts} communicating classes)"
    return visited, ""


def steady_state(p: np.ndarray) -> np.ndarray:
    """π with π = πP and Σπ = 1 for an irreducible stochastic matrix (least squares on the
    stacked system [Pᵀ − I; 1ᵀ] π = [0; 1], exact for such a matrix)."""
    k = p.shape[0]
    system = np.vstack([p.T - np.eye(k), np.ones((1, k))])
    target = np.zeros(k + 1)
    target[-1] = 1.0
    return np.linalg.lstsq(system, target, rcond=None)[0]


def first_mean_passage_times(p: np.ndarray) -> np.ndarray:
    """M_ij, the expected number of steps to reach j first from i (Kemeny & Snell 1976):
    M = (I − Z + E Z_dg) D, Z = (I − P + 1πᵀ)⁻¹, D = diag(1/π); M_ii = 1/π_i, the mean recurrence time."""
    k = p.shape[0]
    pi = steady_state(p)
    z = np.linalg.inv(np.eye(k) - p + np.outer(np.ones(k), pi))
    return (np.eye(k) - z + np.outer(np.ones(k), np.diag(z))) @ np.diag(1.0 / pi)


def sojourn_times(p: np.ndarray) -> np.ndarray:
    """Expected years a city stays in class i once there: 1 / (1 − p_ii) (inf when p_ii = 1, NaN
    for an empty row): a diagonal of exactly 1 divides by zero, which IEEE makes inf."""
    with np.errstate(divide="ignore"):
        return 1.0 / (1.0 - np.diag(p))


def homogeneity(conditional: np.ndarray) -> dict[str, float]:
    """Bickenbach–Bode LR and Q tests that the m conditioned chains (m × k × k counts) share one
    transition matrix, with their χ² p-values and the degrees of freedom corrected for empty cells
    (only rows with transitions count)."""
    pooled = conditional.sum(axis=0)
    n_i = pooled.sum(axis=1)
    p = np.divide(pooled, n_i[:, None], out=np.zeros_like(pooled), where=n_i[:, None] > 0)
    n_il = conditional.sum(axis=2)
    p_l = np.divide(conditional, n_il[:, :, None], out=np.zeros_like(conditional), where=n_il[:, :, None] > 0)
    used = conditional > 0
    lr = 2.0 * float((conditional[used] * np.log(p_l[used] / np.broadcast_to(p, conditional.shape)[used])).sum())
    positive = np.broadcast_to(p > 0, conditional.shape)
    q = float((n_il[:, :, None] * (p_l - p) ** 2 / np.where(p > 0, p, 1.0))[positive].sum())
    rows = n_i > 0
    a = (n_il > 0).sum(axis=0)[rows]
    b = (pooled > 0).sum(axis=1)[rows]
    dof = int(((a - 1) * (b - 1)).sum())
    lr_p, q_p = (float(stats.chi2.sf(lr, dof)), float(stats.chi2.sf(q, dof))) if dof > 0 else (np.nan, np.nan)
    return {"LR": lr, "LR_p_value": lr_p, "Q": q, "Q_p_value": q_p, "dof": dof,
            "transitions": int(pooled.sum())}


def spatial_lag(values: np.ndarray, w) -> np.ndarray:
    """Neighbours' mean Σ_j w_ij x_jt of every column (row-standardised libpysal W in the order of
    the rows)."""
    return np.asarray(w.sparse @ values)


def lisa_quadrants(values: np.ndarray, w) -> np.ndarray:
    """Moran scatterplot quadrant per city and year, 0-based in ``LISA_QUADRANTS``:
    high-high (z > 0, Wz > 0), low-high (z ≤ 0, Wz > 0), low-low (z ≤ 0, Wz ≤ 0), high-low (z > 0, Wz ≤ 0),
    with z = x − x̄_t (esda's Moran_Local q − 1)."""
    z = values - values.mean(axis=0, keepdims=True)
    lag = spatial_lag(z, w)
    high, neighbours_high = z > 0, lag > 0
    return np.select([high & neighbours_high, ~high & neighbours_high, ~high & ~neighbours_high], [0, 1, 2], default=3)


def class_labels(scheme: str, k: int) -> list[str]:
    """Names of the classes: the tiers, or Q1 (lowest) … Qk."""
    return list(TIERS) if scheme == "tiers" else [f"Q{c + 1}" for c in range(k)]


def chain_rows(counts: np.ndarray, labels: list[str], keys: dict, min_transitions: int
               ) -> tuple[list[dict], list[dict], list[dict], list[str]]:
    """(transition rows, per-class summary rows, passage-time rows, warnings) of one chain."""
    p = probabilities(counts)
    visited, why = ergodic_part(p, counts)
    k = len(labels)
    pi, passage = np.full(k, np.nan), np.full((k, k), np.nan)
    if visited is not None:
        sub = p[np.ix_(visited, visited)]
        pi[visited] = steady_state(sub)
        passage[np.ix_(visited, visited)] = first_mean_passage_times(sub)
    sojourn = sojourn_times(p)
    n_i = counts.sum(axis=1)
    transitions = [{**keys, "from": labels[i], "to": labels[j], "count": int(counts[i, j]), "probability": p[i, j]}
                   for i in range(k) for j in range(k)]
    summary = [{**keys, "class": labels[i], "transitions_from": int(n_i[i]),
                "sparse": bool(0 < n_i[i] < min_transitions), "steady_state": pi[i], "sojourn_years": sojourn[i],
                "ergodic": visited is not None, "note": why} for i in range(k)]
    passages = [{**keys, "from": labels[i], "to": labels[j], "mean_passage_years": passage[i, j]}
                for i in range(k) for j in range(k)]
    warnings = []
    name = ", ".join(str(value) for value in keys.values())
    sparse = [labels[i] for i in range(k) if 0 < n_i[i] < min_transitions]
    if sparse:
        warnings.append(f"{name}: class(es) {', '.join(sparse)} have fewer than {min_transitions} transitions out; "
                        "their probabilities rest on a handful of city-years")
    if why:
        warnings.append(f"{name}: no steady state or passage times: {why}")
    return transitions, summary, passages, warnings


def markov_tables(scores: pd.DataFrame, w, codes: list[str], measures: list[str], scheme: str, k: int,
                  min_transitions: int) -> dict[str, pd.DataFrame | list[str]]:
    """Classic, spatial and LISA Markov chains of every measure in ``measures``.

    Returns the tables ``transitions`` (measure, chain, condition, from, to, count, probability),
    ``classes`` (steady state, sojourn, sparse flag per class), ``passage`` (first mean passage
    times), ``homogeneity`` (LR and Q of the neighbour-conditioned chains per measure), and the
    list ``warnings`` for the log."""
    k = len(TIERS) if scheme == "tiers" else k
    labels = class_labels(scheme, k)
    transitions, classes, passages, tests, warnings = [], [], [], [], []

    def add(counts, keys, names):
        rows = chain_rows(counts, names, keys, min_transitions)
        transitions.extend(rows[0])
        classes.extend(rows[1])
        passages.extend(rows[2])
        warnings.extend(rows[3])

    for measure in measures:
        values, years = wide(scores, measure, codes)
        rel = relative(values)
        lag = spatial_lag(rel, w)
        cutoffs = quantile_cutoffs(rel, k) if scheme == "quantiles" else None
        lag_cutoffs = quantile_cutoffs(lag, k) if scheme == "quantiles" else None
        own, lag_classes = classes_of(rel, scheme, cutoffs), classes_of(lag, scheme, lag_cutoffs)
        add(transition_counts(own, k), {"measure": measure, "chain": "classic", "condition": "all cities"}, labels)
        conditional = conditional_counts(own, lag_classes, k, k)
        for level, counts in enumerate(conditional):
            add(counts, {"measure": measure, "chain": "spatial", "condition": f"neighbours {labels[level]}"}, labels)
        tests.append({"measure": measure, "classes": scheme, "k": k, "first_year": years[0], "last_year": years[-1],
                      **homogeneity(conditional),
                      "empty_rows": int((conditional.sum(axis=2) == 0).sum()), "rows": int(k * k)})
        quadrants = lisa_quadrants(values, w)
        add(transition_counts(quadrants, 4), {"measure": measure, "chain": "lisa", "condition": "all cities"},
            list(LISA_QUADRANTS))
    return {"transitions": pd.DataFrame(transitions), "classes": pd.DataFrame(classes),
            "passage": pd.DataFrame(passages), "homogeneity": pd.DataFrame(tests), "warnings": warnings}
