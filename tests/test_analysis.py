"""Analyses: the paper's statistics by hand, inequality decompositions, Moran's I, figures, fonts."""

import warnings

import numpy as np
import pandas as pd
import pytest

from urban_resilience.analysis import disparities, spatial, trends
from urban_resilience.core import vocabulary

# The paper's published means (2003 -> 2019, 17 years) and growth rates (the paper's text)
PAPER = [("total", 0.0411, 0.1229, 0.0708), ("economic", 0.0099, 0.0267, 0.0636),
         ("ecological", 0.0114, 0.0206, 0.0374), ("social", 0.0070, 0.0217, 0.0737),
         ("infrastructure", 0.0062, 0.0456, 0.1328), ("institutional", 0.0066, 0.0083, 0.0150)]


def test_growth_rate_of_the_papers_pair():
    assert trends.growth_rate(0.0411, 0.1229, 17) == pytest.approx(0.0708, abs=1e-4)


@pytest.mark.parametrize("measure, first, last, published", PAPER)
def test_published_growth_rates_fit_the_formula_within_rounding(measure, first, last, published):
    # the paper rounded the means to 4 decimals: the published rate must be reachable from means
    # within ±0.00005 of the printed ones (a 1/17 exponent, for example, is not)
    low = trends.growth_rate(first + 5e-5, last - 5e-5, 17)
    high = trends.growth_rate(first - 5e-5, last + 5e-5, 17)
    assert low - 5e-5 <= published <= high + 5e-5
    wrong_exponent = (last / first) ** (1 / 17) - 1
    if measure == "total":
        assert not (low - 5e-5 <= wrong_exponent <= high + 5e-5)


def scores_frame():
    rows = []
    values = {"A": (0.20, 0.40), "B": (0.10, 0.20), "C": (0.05, 0.10), "D": (0.30, 0.50), "E": (0.10, 0.30)}
    meta = {"A": ("Hubei", True), "B": ("Hubei", False), "C": ("Hubei", False), "D": ("Hunan", True),
            "E": ("Hunan", False)}
    for code, (first, last) in values.items():
        for year, total in ((2003, first), (2004, (first + last) / 2), (2005, last)):
            row = {"admin_code": code, "name_cn": code, "name_en": code, "province_en": meta[code][0],
                   "capital": meta[code][1], "year": year, "total": total}
            row.update({d: total / 5 for d in vocabulary.MEASURES[:-1]})
            rows.append(row)
    return pd.DataFrame(rows)


def test_growth_table_and_primacy_by_hand():
    scores = scores_frame()
    growth = trends.growth_table(scores).set_index(["unit", "measure"])["growth_rate"]
    assert growth[("Hubei", "total")] == pytest.approx((0.70 / 0.35) ** 0.5 - 1)
    assert growth[("capitals", "total")] == pytest.approx((0.90 / 0.50) ** 0.5 - 1)
    assert growth[("B B", "total")] == pytest.approx(2**0.5 - 1)
    primacy = trends.primacy(scores).set_index(["province_en", "year"])
    assert primacy.at[("Hubei", 2003), "primacy"] == pytest.approx(0.20 / 0.10)
    assert primacy.at[("Hunan", 2005), "primacy"] == pytest.approx(0.50 / 0.30)
    assert primacy.at[("Hunan", 2005), "second_city"] == "E"


def test_dispersion_by_hand():
    by_year, by_province = trends.dispersion(scores_frame())
    first = by_year[by_year["year"] == 2003].iloc[0]
    values = np.array([0.20, 0.10, 0.05, 0.30, 0.10])
    assert first["total_std"] == pytest.approx(values.std(ddof=1))
    assert first["total_cv"] == pytest.approx(values.std(ddof=1) / values.mean())
    hubei = by_province.set_index("province_en").at["Hubei", "total_mean"]
    assert hubei == pytest.approx(np.mean([np.mean([0.20, 0.10, 0.05]), np.mean([0.3, 0.15, 0.075]),
                                           np.mean([0.40, 0.20, 0.10])]))


def test_tier_boundaries_are_exact():
    r = 0.1214
    totals = np.array([0.7, 0.7001, 0.8999, 0.9, 1.0, 1.0999, 1.1, 1.2999, 1.3]) * r
    tiers = trends.tier((totals - r) / r)
    assert tiers.tolist() == ["low", "lower-middle", "lower-middle", "middle", "middle", "middle",
                              "upper-middle", "upper-middle", "high"]
    classified = trends.classify(scores_frame(), 0.25)
    # D in 2003: (0.30 − 0.25) / 0.25 = +20 %
    assert classified.loc[(classified.admin_code == "D") & (classified.year == 2003), "tier"].item() == "upper-middle"
    # five more cities outside the study area, each with total 1.0: the reference is the mean of all ten
    others = scores_frame().assign(admin_code=lambda f: "Z" + f["admin_code"], total=1.0)
    national = trends.classify(scores_frame(), "cities_mean", pd.concat([scores_frame(), others]))
    assert national.groupby("year")["reference"].first().tolist() == pytest.approx(
        [(0.75 + 5) / 10, (1.125 + 5) / 10, (1.5 + 5) / 10])
    mean_reference = trends.classify(scores_frame(), "study_area_mean")
    assert mean_reference.groupby("year")["reference"].first().tolist() == pytest.approx([0.15, 0.225, 0.30])


def test_a_reference_per_year():
    years = sorted(scores_frame()["year"].unique())
    per_year = {int(years[0]): 0.2, int(years[1]): 0.25, int(years[2]): 0.5}
    classified = trends.classify(scores_frame(), per_year)
    assert classified.groupby("year")["reference"].first().tolist() == [0.2, 0.25, 0.5]
    d_first = classified.loc[(classified.admin_code == "D") & (classified.year == years[0])]
    assert d_first["deviation"].item() == pytest.approx((d_first["total"].item() - 0.2) / 0.2)
    with pytest.raises(ValueError, match=rf"no value for year\(s\) \[{years[2]}\]"):
        trends.classify(scores_frame(), {int(years[0]): 0.2, int(years[1]): 0.25})


def test_theil_decomposition_by_hand():
    y = np.array([1.0, 2.0, 3.0, 6.0, 8.0])
    g = np.array(["a", "a", "b", "b", "b"])
    mu = y.mean()
    total = np.mean(y / mu * np.log(y / mu))
    between = sum((g == k).mean() * y[g == k].mean() / mu * np.log(y[g == k].mean() / mu) for k in "ab")
    within = sum(y[g == k].sum() / y.sum()
                 * np.mean(y[g == k] / y[g == k].mean() * np.log(y[g == k] / y[g == k].mean()))
                 for k in "ab")
    result = disparities.theil_decomposition(y, g)
    assert result["theil"] == pytest.approx(total)
    assert result["between"] == pytest.approx(between)
    assert result["within"] == pytest.approx(within)


def test_theil_matches_pysal():
    from inequality.theil import TheilD

    rng = np.random.default_rng(5)
    y, g = rng.lognormal(size=60), rng.choice(["a", "b", "c", "d"], size=60)
    reference = TheilD(y, g)
    result = disparities.theil_decomposition(y, g)
    assert result["theil"] == pytest.approx(float(np.ravel(reference.T)[0]))
    assert result["between"] == pytest.approx(float(np.ravel(reference.bg)[0]))
    assert result["within"] == pytest.approx(float(np.ravel(reference.wg)[0]))


def test_dagum_gini_identity_and_pysal():
    from inequality.gini import Gini

    rng = np.random.default_rng(3)
    y = rng.lognormal(size=30)
    g = np.repeat(["Hubei", "Hunan", "Jiangxi"], 10)
    parts = disparities.dagum_gini(y, g)
    assert parts["gini"] == pytest.approx(Gini(y).g)
    assert parts["within"] + parts["net_between"] + parts["transvariation"] == pytest.approx(parts["gini"])
    # one group: everything is within; groups that do not overlap: no transvariation
    one = disparities.dagum_gini(y, np.zeros(30))
    assert one["within"] == pytest.approx(one["gini"]) and one["net_between"] == 0
    apart = disparities.dagum_gini(np.array([1.0, 2.0, 10.0, 12.0]), np.array(["a", "a", "b", "b"]))
    assert apart["transvariation"] == pytest.approx(0.0)
    # by hand for apart: unordered |differences| 1, 9, 11, 8, 10, 2 sum to 41; G = 2·41 / (2·16·6.25)
    assert apart["gini"] == pytest.approx(82 / 200)


def test_moran_by_hand():
    from libpysal.weights import W

    # four cities on a line, row-standardised contiguity: I = 0.4 (worked out in the comment below)
    # z = (−1.5, −0.5, 0.5, 1.5), Σz² = 5, Σ w z z = 2.0, S0 = n  ->  I = 2.0 / 5
    w = W({0: [1], 1: [0, 2], 2: [1, 3], 3: [2]})
    w.transform = "r"
    scores = pd.DataFrame([{"admin_code": c, "year": 2003, **{m: v for m in vocabulary.MEASURES}}
                           for c, v in zip("abcd", [1.0, 2.0, 3.0, 4.0])])
    # four cities: tested only with min_cities 4 and an alpha above the smallest attainable p-value 2/24
    moran, lisa = spatial.moran_by_year(scores, w, list("abcd"), 99, 1, 0.1, min_cities=4)
    assert moran["computed"].all() and moran["moran_i"].iloc[0] == pytest.approx(0.4)
    assert moran["expected_i"].iloc[0] == pytest.approx(-1 / 3)
    # z = (−1.5, −0.5, 0.5, 1.5), spatial lags (−0.5, −0.5, 0.5, 0.5): low-low twice, then high-high twice
    assert lisa["quadrant"].tolist() == ["low-low", "low-low", "high-high", "high-high"]
    assert (lisa["local_i"] > 0).all()
    assert lisa["local_i"].iloc[0] == pytest.approx(lisa["local_i"].iloc[3])  # the two ends are alike
    assert lisa["local_i"].iloc[0] == pytest.approx(3 * lisa["local_i"].iloc[1])  # |z·lag| 0.75 against 0.25
    again, _ = spatial.moran_by_year(scores, w, list("abcd"), 99, 1, 0.1, min_cities=4)
    assert again["p_sim"].tolist() == moran["p_sim"].tolist()  # seeded


def squares(cells: dict[str, tuple[int, int]], size: float = 0.1):
    """Unit squares (``size`` degrees) at the given (column, row) positions, by admin code."""
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame({"admin_code": list(cells)},
                            geometry=[box(c * size, r * size, (c + 1) * size, (r + 1) * size)
                                      for c, r in cells.values()],
                            crs="EPSG:4326")


def test_neighbour_tables_by_hand():
    # a row A B C, and D above A: D touches A along an edge and B at a corner only
    cells = squares({"000001": (0, 0), "000002": (1, 0), "000003": (2, 0), "000004": (0, 1)})
    queen = spatial.neighbour_table(cells, "queen", 0)
    pairs = {(f[-1], n[-1]) for f, n in zip(queen["focal"], queen["neighbor"])}
    assert pairs == {("1", "2"), ("1", "4"), ("2", "1"), ("2", "3"), ("2", "4"), ("3", "2"), ("4", "1"), ("4", "2")}
    assert set(queen["weight"]) == {1}
    nearest = spatial.neighbour_table(cells, "knn", 1)
    assert dict(zip(nearest["focal"].str[-1], nearest["neighbor"].str[-1]))["3"] == "2"
    w, codes = spatial.weights_from_table(queen, list(cells["admin_code"])[::-1])
    assert codes == ["000001", "000002", "000003", "000004"]
    dense = w.full()[0]
    assert dense[1] == pytest.approx([1 / 3, 0, 1 / 3, 1 / 3])  # B's three neighbours, row-standardised
    # a study area smaller than the table: neighbours outside it are dropped
    w, codes = spatial.weights_from_table(queen, ["000001", "000002", "000003"])
    assert w.full()[0][0] == pytest.approx([0, 1, 0])
    with pytest.raises(ValueError, match="no neighbours for city 000009"):
        spatial.weights_from_table(queen, ["000001", "000009"])
    with pytest.raises(ValueError, match="no neighbours within the study area for city 000001, 000003"):
        spatial.weights_from_table(queen, ["000001", "000003"])  # A and C touch only B and D
    island = squares({"000001": (0, 0), "000002": (1, 0), "000005": (9, 9)})
    with pytest.raises(ValueError, match="city 000005 without neighbours"):
        spatial.neighbour_table(island, "queen", 0)


def test_permuted_moran_matches_exact_distribution_and_esda():
    from itertools import permutations

    from esda.moran import Moran
    from libpysal.weights import W, lat2W

    # four cities on a line: all 24 relabellings give the exact permutation distribution of I
    line = W({0: [1], 1: [0, 2], 2: [1, 3], 3: [2]})
    line.transform = "r"
    y = np.array([1.0, 2.0, 3.0, 4.0])
    z = y - y.mean()
    exact = np.array([z[list(p)] @ (line.sparse @ z[list(p)]) / (z @ z) for p in permutations(range(4))])
    assert exact.max() == pytest.approx(0.4)  # the observed order is the most clustered one
    simulated = spatial.permuted_moran(y, line, 20000, seed=3)
    for value in np.unique(exact.round(12)):  # each value of I appears as often as it should
        assert np.mean(simulated.round(12) == value) == pytest.approx(np.mean(exact.round(12) == value), abs=0.01)
    # observed I = 0.4 is reached by 2 of 24 relabellings: p = (2/24 · 20000 + 1) / 20001
    assert spatial.pseudo_p_value(0.4, simulated) == pytest.approx(2 / 24, abs=0.01)
    # 5 x 5 lattice, random values: the same null distribution as esda's one-at-a-time permutations
    lattice = lat2W(5, 5)
    lattice.transform = "r"
    values = np.random.default_rng(7).normal(size=25)
    np.random.seed(7)
    reference = Moran(values, lattice, permutations=4999)
    ours = spatial.permuted_moran(values, lattice, 4999, seed=7)
    assert ours.mean() == pytest.approx(reference.EI_sim, abs=0.005)
    assert ours.std() == pytest.approx(reference.seI_sim, rel=0.05)
    assert spatial.pseudo_p_value(reference.I, ours) == pytest.approx(reference.p_sim, abs=0.02)
    assert np.array_equal(ours, spatial.permuted_moran(values, lattice, 4999, seed=7))  # seeded


def test_kernel_density_integrates_to_one_and_matches_scipy():
    from scipy.stats import gaussian_kde

    frame = scores_frame()
    kde = disparities.kernel_density(frame, [2003, 2005], points=400)
    for year, block in kde.groupby("year"):
        assert np.trapezoid(block["density"], block["total"]) == pytest.approx(1.0, abs=0.05)
        reference = gaussian_kde(frame.loc[frame["year"] == year, "total"])(block["total"])
        np.testing.assert_allclose(block["density"], reference, rtol=1e-10, atol=1e-12)
    # by hand: one point at 0 and one at 2 -> s = √2, h = √2 · 2^(−1/5); f(1) = 2 φ(1/h) / (2 h)
    h = disparities.scott_bandwidth(np.array([0.0, 2.0]))
    density = disparities.gaussian_density(np.array([0.0, 2.0]), np.array([1.0]))
    assert h == pytest.approx(np.sqrt(2) * 2 ** -0.2)
    assert density[0] == pytest.approx(np.exp(-0.5 / h**2) / (np.sqrt(2 * np.pi) * h))


def test_cjk_font_is_found_and_renders_without_missing_glyphs(tmp_path):
    from matplotlib import font_manager

    from urban_resilience.figures import plots

    family = plots.setup_fonts()
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert found.endswith("NotoSansCJK-Regular.ttc")
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph … missing from font" warning fails the test
        fig, ax = plt.subplots()
        ax.set_title("长江中游城市群 襄阳 鹰潭 景德镇 韧性 −0.25")
        plots.save(fig, [str(tmp_path / "cjk.png")])


def test_figures_are_byte_identical_when_redrawn(tmp_path):
    from urban_resilience.figures import plots

    plots.setup_fonts()
    means = trends.yearly_means(scores_frame())
    outputs = []
    for run in ("a", "b"):
        paths = [str(tmp_path / f"{run}.{ext}") for ext in ("png", "svg", "pdf")]
        plots.save(plots.dimension_means(means, "zh", True), paths)
        outputs.append([open(p, "rb").read() for p in paths])
    assert outputs[0] == outputs[1]


def test_demo_run_analysis_outputs(demo_run):
    from urban_resilience.core.io import read_table

    results = demo_run / "results"
    growth = read_table(results / "analysis" / "growth_rates.csv")
    assert set(growth["level"]) == {"study area", "province", "capital", "city"}
    tiers = read_table(results / "analysis" / "tiers.csv")
    assert len(tiers) == 28 * 17
    # default reference: the year's study-area mean; tier from the deviation by the five bands
    assert tiers["reference"].to_numpy() == pytest.approx(tiers.groupby("year")["total"].transform("mean").to_numpy())
    assert tiers["deviation"].to_numpy() == pytest.approx(((tiers["total"] - tiers["reference"])
                                                           / tiers["reference"]).to_numpy())
    assert tiers["tier"].tolist() == trends.tier(tiers["deviation"]).tolist()
    assert tiers["tier"].nunique() >= 3
    inequality = read_table(results / "analysis" / "inequality.csv")
    parts = inequality[["gini_within", "gini_net_between", "gini_transvariation"]].sum(axis=1)
    assert parts.to_numpy() == pytest.approx(inequality["gini"].to_numpy())
    for name in ("dimension_means", "maps", "tiers", "lisa", "obstacles", "inequality", "city_totals",
                 "kernel_density"):
        assert (results / "figures" / f"{name}.png").stat().st_size > 10_000
        assert (results / "figures" / f"{name}.svg").exists()


@pytest.mark.parametrize("seed, classes", [(0, 5), (1, 3), (2, 7)])
def test_fisher_jenks_matches_mapclassify(seed, classes):
    import mapclassify

    from urban_resilience.figures import plots

    values = np.round(np.random.default_rng(seed).lognormal(size=60), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # mapclassify: "Numba not installed"
        reference = mapclassify.FisherJenks(values, k=classes).bins
    assert plots.fisher_jenks(values, classes) == pytest.approx(np.asarray(reference))


def test_fisher_jenks_by_hand():
    from urban_resilience.figures import plots

    # two obvious groups and one outlier
    assert plots.fisher_jenks(np.array([1.0, 1.1, 0.9, 5.0, 5.2, 20.0]), 3).tolist() == [1.1, 5.2, 20.0]


def test_theil_with_a_zero_group_total_uses_0_ln_0():
    y = np.array([0.0, 0.0, 2.0, 6.0])
    g = np.array(["a", "a", "b", "b"])
    # shares y/μ = 0, 0, 1, 3: T = (0 + 0 + 1 ln 1 + 3 ln 3)/4; group a: 0 ln 0 = 0, group b: ratio 2
    result = disparities.theil_decomposition(y, g)
    assert result["theil"] == pytest.approx(3 * np.log(3) / 4)
    assert result["between"] == pytest.approx(0.5 * 2 * np.log(2))
    assert result["within"] == pytest.approx(3 * np.log(3) / 4 - np.log(2))
    assert disparities.theil_decomposition(np.zeros(3), np.array(["a", "a", "b"])) == {
        "theil": 0.0, "between": 0.0, "within": 0.0}


def test_permutation_streams_are_independent_per_year_measure_and_statistic():
    from urban_resilience.analysis import spatial

    seeds = {spatial.stream_seed(20210301, year, measure, statistic)
             for year in range(2003, 2020) for measure in spatial.MEASURES for statistic in (0, 1)}
    assert len(seeds) == 17 * len(spatial.MEASURES) * 2
    assert spatial.stream_seed(1, 2003, "total", 0) == spatial.stream_seed(1, 2003, "total", 0)


def test_moran_leaves_the_process_warnings_filters_alone():
    import warnings

    from libpysal import weights

    from urban_resilience.analysis import spatial

    codes = ["a", "b", "c", "d"]
    w = weights.W({"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c"]})
    w.transform = "r"
    scores = pd.DataFrame([{"admin_code": c, "year": 2003, **{m: float(i) for m in spatial.MEASURES}}
                           for i, c in enumerate(codes)])
    before = list(warnings.filters)
    spatial.moran_by_year(scores, w, codes, 9, 1, 0.05)
    assert warnings.filters == before


def test_first_and_last_year_obstacle_frequency_by_hand():
    indicators = pd.DataFrame({"code": ["x1", "x2", "x10"], "dimension": ["economic", "social", "economic"],
                               "name_cn": ["甲", "乙", "丙"], "name_en": ["a", "b", "c"]})
    top5 = pd.DataFrame({"year": [2003, 2003, 2019, 2011], "indicator": ["x10", "x1", "x2", "x1"],
                         "cities": [3, 2, 4, 9]})
    top1 = pd.DataFrame({"year": [2003, 2019], "indicator": ["x10", "x2"], "cities": [3, 4]})
    table = trends.obstacle_frequency_first_last(indicators, top5, top1, 2003, 2019)
    assert table.columns.tolist() == ["indicator", "dimension", "name_cn", "name_en", "top5_2003", "top5_2019",
                                      "top1_2003", "top1_2019"]
    assert table[["indicator", "top5_2003", "top5_2019", "top1_2003", "top1_2019"]].values.tolist() == [
        ["x1", 2, 0, 0, 0], ["x2", 0, 4, 0, 4], ["x10", 3, 0, 3, 0]]


def test_growth_table_rows_in_full():
    scores = scores_frame()
    table = trends.growth_table(scores)
    assert table.columns.tolist() == ["level", "unit", "measure", "first_year", "last_year", "first", "last",
                                      "growth_rate"]
    units = table.drop_duplicates(["level", "unit"])[["level", "unit"]].values.tolist()
    assert units == [["study area", "all cities"], ["province", "Hubei"], ["province", "Hunan"],
                     ["capital", "capitals"], ["capital", "non-capitals"], ["city", "A A"], ["city", "B B"],
                     ["city", "C C"], ["city", "D D"], ["city", "E E"]]
    assert table["measure"].tolist()[:6] == list(vocabulary.MEASURES)
    assert (table["first_year"] == 2003).all() and (table["last_year"] == 2005).all()
    row = table[(table["unit"] == "non-capitals") & (table["measure"] == "total")].iloc[0]
    assert row["first"] == pytest.approx((0.10 + 0.05 + 0.10) / 3) and row["last"] == pytest.approx(0.60 / 3)
    assert row["growth_rate"] == pytest.approx((0.60 / 0.25) ** 0.5 - 1)
    economic = table[(table["unit"] == "all cities") & (table["measure"] == "economic")].iloc[0]
    assert economic["first"] == pytest.approx(0.75 / 5 / 5) and economic["last"] == pytest.approx(1.5 / 5 / 5)
    zero = scores.assign(total=scores["total"].where(scores["admin_code"] != "C", 0.0))
    city = trends.growth_table(zero).set_index(["unit", "measure"])
    assert np.isnan(city.at[("C C", "total"), "growth_rate"])  # growth from 0 is undefined, not infinite
    assert city.at[("C C", "economic"), "growth_rate"] == pytest.approx(2**0.5 - 1)


def test_primacy_rows_in_full_ties_and_missing_capitals():
    scores = scores_frame()
    table = trends.primacy(scores)
    assert table.columns.tolist() == ["province_en", "year", "capital", "capital_total", "second_city",
                                      "second_total", "primacy"]
    assert table[["province_en", "year"]].values.tolist() == [[p, y] for p in ("Hubei", "Hunan")
                                                              for y in (2003, 2004, 2005)]
    first = table.iloc[0]
    assert (first["capital"], first["second_city"]) == ("A", "B")
    assert first["capital_total"] == pytest.approx(0.20) and first["second_total"] == pytest.approx(0.10)
    tied = scores.copy()
    tied.loc[tied["admin_code"].isin(["B", "C"]), "total"] = 0.1  # B and C tie: the lower code is named
    assert trends.primacy(tied).iloc[0]["second_city"] == "B"
    no_capital = scores[scores["admin_code"] != "D"]  # Hunan without its capital: no Hunan rows
    assert set(trends.primacy(no_capital)["province_en"]) == {"Hubei"}
    alone = scores[scores["admin_code"] != "E"]  # Hunan's capital alone: no Hunan rows either
    assert set(trends.primacy(alone)["province_en"]) == {"Hubei"}


def dagum_by_loops(y: list[float], g: list[str]) -> dict[str, float]:
    """Dagum's decomposition written with explicit loops over pairs (an independent implementation)."""
    n, mu = len(y), sum(y) / len(y)
    total = sum(abs(a - b) for a in y for b in y) / (2 * n * n * mu)
    members = {k: [v for v, h in zip(y, g) if h == k] for k in sorted(set(g))}
    mean = {k: sum(v) / len(v) for k, v in members.items()}
    p = {k: len(v) / n for k, v in members.items()}
    s = {k: sum(v) / (n * mu) for k, v in members.items()}
    within = sum(sum(abs(a - b) for a in v for b in v) / (2 * len(v) ** 2 * mean[k]) * p[k] * s[k]
                 for k, v in members.items())
    net = trans = 0.0
    keys = sorted(members, key=lambda k: mean[k])
    for i, low in enumerate(keys):
        for high in keys[i + 1:]:
            pairs = [(a, b) for a in members[high] for b in members[low]]
            g_jh = sum(abs(a - b) for a, b in pairs) / (len(pairs) * (mean[high] + mean[low]))
            d = sum(max(a - b, 0.0) for a, b in pairs) / len(pairs)
            q = sum(max(b - a, 0.0) for a, b in pairs) / len(pairs)
            big_d = (d - q) / (d + q)
            weight = p[high] * s[low] + p[low] * s[high]
            net += g_jh * weight * big_d
            trans += g_jh * weight * (1 - big_d)
    return {"gini": total, "within": within, "net_between": net, "transvariation": trans}


def test_dagum_gini_parts_equal_an_independent_loop_implementation():
    y = [1.0, 3.0, 2.0, 6.0, 4.0, 5.0, 9.0]
    g = ["a", "a", "b", "b", "c", "c", "c"]  # overlapping groups: every part is non-zero
    ours, reference = disparities.dagum_gini(np.array(y), np.array(g)), dagum_by_loops(y, g)
    assert ours.keys() == reference.keys()
    for key, value in reference.items():
        assert ours[key] == pytest.approx(value, rel=1e-12), key
    assert min(ours.values()) > 0


def test_x_log_x_and_the_kde_grid():
    assert disparities.x_log_x(np.array([0.0, 1.0, np.e, -1.0])).tolist() == pytest.approx([0.0, 0.0, np.e, 0.0])
    frame = scores_frame()
    kde = disparities.kernel_density(frame, [2003, 2005], points=50)
    assert kde.columns.tolist() == ["year", "total", "density"] and sorted(set(kde["year"])) == [2003, 2005]
    samples = [frame.loc[frame["year"] == year, "total"].to_numpy() for year in (2003, 2005)]
    reach = 3 * max(disparities.scott_bandwidth(sample) for sample in samples)
    chosen = frame[frame["year"].isin([2003, 2005])]["total"]
    grid = kde[kde["year"] == 2003]["total"].to_numpy()
    assert len(grid) == 50 and grid[0] == pytest.approx(chosen.min() - reach) and grid[-1] == pytest.approx(
        chosen.max() + reach)
    assert np.array_equal(grid, kde[kde["year"] == 2005]["total"].to_numpy())  # one grid for all years
