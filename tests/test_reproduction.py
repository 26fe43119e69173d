"""The paper's published numbers and their comparison with a run."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml

from urban_resilience.analysis import trends
from urban_resilience.core import tables, vocabulary
from urban_resilience.exports import reproduction


@pytest.fixture(scope="module")
def published(resources):
    return pd.read_csv(resources / "paper" / "published.csv", dtype={"group": str, "year": "Int64"},
                       keep_default_na=False, na_values={"year": [""]})


def values(published, quantity, measure=None):
    rows = published[published["quantity"] == quantity]
    if measure is not None:
        rows = rows[rows["measure"] == measure]
    return rows


def test_published_values_are_consistent_with_each_other_and_the_indicator_table(published, resources):
    assert published["location"].str.len().gt(0).all() and published["description"].str.len().gt(0).all()
    weights = values(published, "indicator_weight").set_index("group")["value"]
    indicators = tables.read_indicators(resources / "indicators.csv")
    assert weights.to_dict() == dict(zip(indicators["code"], indicators["paper_weight"]))
    assert weights.sum() == pytest.approx(1.0, abs=2e-4)  # Table 1 rounds to 4 decimals
    dimension = values(published, "dimension_weight").set_index("group")["value"]
    sums = weights.groupby(indicators.set_index("code")["dimension"]).sum()
    for name, value in dimension.items():
        assert sums[name] == pytest.approx(value, abs=3e-4), name
    # growth rates printed beside the means they come from: (last / first)^(1/16) − 1
    means = values(published, "mean").set_index(["measure", "year"])["value"]
    growth = values(published, "growth_rate").query("group == 'study area'").set_index("measure")["value"]
    for measure, rate in growth.items():
        recomputed = trends.growth_rate(means[(measure, 2003)], means[(measure, 2019)], 17)
        assert recomputed == pytest.approx(rate, abs=6e-4), measure
    # the mean total is the sum of the dimension means (to the printed rounding)
    for year in (2003, 2019):
        parts = sum(means[(d, year)] for d in vocabulary.DIMENSIONS)
        assert parts == pytest.approx(means[("total", year)], abs=5e-4)
    # primacy and the capitals' totals: Wuhan / Hubei's second city, so the second city is below Wuhan
    assert values(published, "primacy").set_index("group")["value"].to_dict() == {
        "Hubei": 1.9447, "Hunan": 1.4118, "Jiangxi": 1.3797}


def test_published_tiers_are_table_2(resources):
    tiers = pd.read_csv(resources / "paper" / "published_tiers.csv", dtype={"admin_code": str})
    study = yaml.safe_load((resources.parent / "config.yaml").read_text(encoding="utf-8"))["study_area"]
    assert sorted(tiers["admin_code"]) == sorted(str(code) for code in study)
    assert tiers["tier"].value_counts().to_dict() == {"middle": 12, "lower-middle": 7, "upper-middle": 4, "high": 3,
                                                      "low": 2}
    assert set(tiers.loc[tiers["tier"] == "high", "name_en"]) == {"Wuhan", "Nanchang", "Changsha"}
    assert set(tiers["reference"]) == {0.1214} and set(tiers["year"]) == {2019}


def hand_scores():
    """Four cities of two provinces, two years; capital A (Hubei) and C (Hunan)."""
    rows = [("A", "Hubei", True, 2003, 0.2), ("A", "Hubei", True, 2004, 0.4),
            ("B", "Hubei", False, 2003, 0.1), ("B", "Hubei", False, 2004, 0.1),
            ("C", "Hunan", True, 2003, 0.3), ("C", "Hunan", True, 2004, 0.3),
            ("D", "Hunan", False, 2003, 0.1), ("D", "Hunan", False, 2004, 0.2)]
    frame = pd.DataFrame(rows, columns=["admin_code", "province_en", "capital", "year", "total"])
    frame["name_en"] = frame["admin_code"]
    for dimension in vocabulary.DIMENSIONS:
        frame[dimension] = frame["total"] / 5
    return frame


HAND_PROVINCES = {"A": "Hubei", "B": "Hubei", "C": "Hunan", "D": "Hunan"}


def test_comparison_by_hand():
    published = pd.DataFrame([
        ("mean", "study area", "total", 2004, 0.25),
        ("sd", "study area", "total", 2003, 0.1),
        ("growth_rate", "Hubei", "total", None, 0.5),
        ("growth_rate", "non-capitals Hunan", "total", None, 1.0),
        ("period_mean", "Hunan", "total", None, 0.2),
        ("period_mean_sd", "Hubei", "total", None, 0.1),
        ("total", "A", "total", 2004, 0.4),
        ("primacy", "Hubei", "total", 2004, 4.0),
        ("indicator_weight", "x2", "weight", None, 0.3),
        ("dimension_weight", "social", "weight", None, 0.5),
    ], columns=["quantity", "group", "measure", "year", "value"]).assign(location="here", description="d")
    published["year"] = published["year"].astype("Int64")
    weights = pd.DataFrame({"code": ["x1", "x2"], "dimension": ["social", "social"], "weight": [0.4, 0.6],
                            "dimension_weight": [1.0, 1.0]})
    same = reproduction.SetUp(frozenset("ABCD"), frozenset("ABCD"), 2003, 2004)
    table = reproduction.compare(published, hand_scores(), weights, same, same, HAND_PROVINCES)
    assert table["comparable"].all() and (table["reason"] == "").all()
    run = table["this_run"].tolist()
    # mean 2004 = (0.4+0.1+0.3+0.2)/4; sd 2003 of (0.2, 0.1, 0.3, 0.1) with ddof 1;
    # Hubei mean 0.15 -> 0.25 over 2 years: 2/3; Hunan's non-capital D 0.1 -> 0.2: 100 %;
    # Hunan period mean (0.2 + 0.25)/2; Hubei yearly sd (0.0707, 0.2121) averaged; primacy 0.4/0.1
    expected = [0.25, np.std([0.2, 0.1, 0.3, 0.1], ddof=1), 0.25 / 0.15 - 1, 1.0, 0.225,
                (np.std([0.2, 0.1], ddof=1) + np.std([0.4, 0.1], ddof=1)) / 2, 0.4, 4.0, 0.6, 1.0]
    assert run == pytest.approx(expected)
    assert table["difference"].tolist() == pytest.approx(list(np.array(expected) - table["published"]))
    assert table.loc[0, "relative_difference"] == pytest.approx(0.0)
    assert table.loc[2, "relative_difference"] == pytest.approx((2 / 3 - 0.5) / 0.5)


def test_tier_confusion_and_rank_correlation():
    paper = pd.DataFrame({"admin_code": ["A", "B", "C"], "name_en": ["Alpha", "Beta", "Gamma"], "year": 2019,
                          "tier": ["high", "low", "low"]})
    run = pd.DataFrame({"admin_code": ["A", "B", "C", "A"], "year": [2019, 2019, 2019, 2018],
                        "tier": ["high", "middle", "low", "low"]})
    confusion = reproduction.tier_confusion(paper, run, "").set_index(["paper_tier", "this_run_tier"])
    assert confusion["comparable"].all() and (confusion["reason"] == "").all()
    assert len(confusion) == 25 and confusion["cities"].sum() == 3
    assert confusion.loc[("high", "high"), "names"] == "Alpha"
    assert confusion.loc[("low", "middle"), "names"] == "Beta" and confusion.loc[("low", "low"), "names"] == "Gamma"
    comparison = pd.DataFrame({"quantity": "indicator_weight", "published": [0.1, 0.2, 0.3, 0.4],
                               "this_run": [0.15, 0.1, 0.5, 0.6], "comparable": True})
    assert reproduction.weight_rank_correlation(comparison) == pytest.approx(0.8)
    # only comparable weights count; fewer than two: no correlation
    comparison.loc[3, "comparable"] = False
    assert reproduction.weight_rank_correlation(comparison) == pytest.approx(0.5)  # ranks (1,2,3) vs (2,1,3)
    comparison.loc[1:, "comparable"] = False
    assert np.isnan(reproduction.weight_rank_correlation(comparison))
    other = reproduction.tier_confusion(paper, run, "years 2010–2019, the paper's 2003–2019")
    assert not other["comparable"].any() and set(other["reason"]) == {"years 2010–2019, the paper's 2003–2019"}
    assert other["cities"].sum() == 3  # the counts stay, marked


def hand_published():
    published = pd.DataFrame([
        ("mean", "study area", "total", 2004, 0.25),
        ("growth_rate", "Hubei", "total", None, 0.5),
        ("growth_rate", "non-capitals Hunan", "total", None, 1.0),
        ("primacy", "Hunan", "total", 2004, 3.0),
        ("total", "A", "total", 2004, 0.4),
        ("total", "C", "total", 2004, 0.3),
        ("indicator_weight", "x2", "weight", None, 0.3),
    ], columns=["quantity", "group", "measure", "year", "value"]).assign(location="here", description="d")
    published["year"] = published["year"].astype("Int64")
    return published


HAND_WEIGHTS = pd.DataFrame({"code": ["x1", "x2"], "dimension": ["social", "social"], "weight": [0.4, 0.6],
                             "dimension_weight": [1.0, 1.0]})


def test_a_smaller_study_area_is_compared_only_where_its_cities_are_the_papers():
    """A Hubei-only study area (A, B) of a run pooling the paper's four cities: its Hubei, city-A and
    weight rows compare; the study area's, Hunan's and city C's do not, each with its reason."""
    paper = reproduction.SetUp(frozenset("ABCD"), frozenset("ABCD"), 2003, 2004)
    hubei = reproduction.SetUp(frozenset("ABCD"), frozenset("AB"), 2003, 2004)
    scores = hand_scores()
    table = reproduction.compare(hand_published(), scores[scores["province_en"] == "Hubei"], HAND_WEIGHTS, hubei,
                                 paper, HAND_PROVINCES)
    assert table["reason"].tolist() == [
        "the study area has 2 of the paper's 4 cities", "", "the study area has 0 of the paper's 2 Hunan cities",
        "the study area has 0 of the paper's 2 Hunan cities", "", "city C is not in the study area", ""]
    assert table["comparable"].tolist() == [False, True, False, False, True, False, True]
    # this run's value stays (here the Hubei-only mean 0.25 of A and B in 2004), the difference goes
    assert table.loc[0, "this_run"] == pytest.approx(0.25) and np.isnan(table.loc[0, "difference"])
    assert table.loc[1, "difference"] == pytest.approx(0.25 / 0.15 - 1 - 0.5)
    assert table.loc[table["comparable"], "relative_difference"].notna().all()
    assert table.loc[~table["comparable"], ["difference", "relative_difference"]].isna().all().all()
    # a study area with a city the paper has not
    wider = reproduction.SetUp(frozenset("ABCDE"), frozenset("ABCDE"), 2003, 2004)
    assert reproduction.study_area_reasons(wider, paper) == [
        "the study area has 4 of the paper's 4 cities and 1 city(ies) the paper has not"]


def test_other_years_or_a_pool_without_the_papers_cities_compare_nothing():
    paper = reproduction.SetUp(frozenset("ABCD"), frozenset("ABCD"), 2003, 2004)
    later = reproduction.SetUp(frozenset("ABCD"), frozenset("ABCD"), 2004, 2004)
    table = reproduction.compare(hand_published(), hand_scores(), HAND_WEIGHTS, later, paper, HAND_PROVINCES)
    assert set(table["reason"]) == {"years 2004–2004, the paper's 2003–2004"} and not table["comparable"].any()
    pool = reproduction.SetUp(frozenset("AB"), frozenset("AB"), 2003, 2004)
    table = reproduction.compare(hand_published(), hand_scores(), HAND_WEIGHTS, pool, paper, HAND_PROVINCES)
    assert table.loc[6, "reason"] == "the index pools 2 cities without 2 of the paper's 4 study cities"
    assert table.loc[0, "reason"] == ("the index pools 2 cities without 2 of the paper's 4 study cities; "
                                      "the study area has 2 of the paper's 4 cities")
    assert not table["comparable"].any()


def demo_setups(resources, **change):
    """(this run's set-up from config.yaml with ``change``, the paper's, provinces by admin code)."""
    config = yaml.safe_load((resources.parent / "config.yaml").read_text(encoding="utf-8"))
    config.update(change)
    codes = [str(c) for c in config["cities"]]
    study = [str(c) for c in config["study_area"]] or codes
    run = reproduction.SetUp(frozenset(codes), frozenset(study), config["years"]["first"], config["years"]["last"])
    paper_cities = pd.read_csv(resources / "paper" / "published_tiers.csv", dtype={"admin_code": str})["admin_code"]
    cities = tables.read_cities(resources / "cities.csv")
    return run, reproduction.paper_setup(list(paper_cities)), dict(zip(cities["admin_code"], cities["province_en"]))


def test_the_demo_configuration_is_the_papers_set_up(published, resources):
    run, paper, provinces = demo_setups(resources)
    assert reproduction.study_area_reasons(run, paper) == []
    assert [reproduction.row_reason(row, run, paper, provinces) for _, row in published.iterrows()] == [""] * 78


def test_a_hubei_only_configuration_is_marked_with_the_reason(published, resources):
    config = yaml.safe_load((resources.parent / "config.yaml").read_text(encoding="utf-8"))
    hubei = [c for c in config["study_area"] if str(c).startswith("42")]
    run, paper, provinces = demo_setups(resources, study_area=hubei)
    reasons = pd.Series([reproduction.row_reason(row, run, paper, provinces) for _, row in published.iterrows()])
    assert reproduction.study_area_reasons(run, paper) == ["the study area has 10 of the paper's 28 cities"]
    # 21 rows of the study area, 10 of Hunan and Jiangxi, 4 of Changsha and Nanchang
    assert reasons.value_counts().to_dict() == {
        "": 43, "the study area has 10 of the paper's 28 cities": 21,
        "the study area has 0 of the paper's 8 Hunan cities": 5,
        "the study area has 0 of the paper's 10 Jiangxi cities": 5,
        "city 430100 is not in the study area": 2, "city 360100 is not in the study area": 2}
    compared = published[reasons == ""]
    assert set(compared["quantity"]) == {"indicator_weight", "dimension_weight", "growth_rate", "period_mean",
                                         "period_mean_sd", "primacy", "total"}
    assert set(compared["group"]) - set(compared.loc[compared["quantity"].str.endswith("weight"), "group"]) == {
        "Hubei", "non-capitals Hubei", "420100"}
    # Hubei only as the pool too: nothing compares (weights and pooled min-max change with the pool)
    run, paper, provinces = demo_setups(resources, cities=hubei, study_area=[])
    assert {reproduction.row_reason(row, run, paper, provinces) for _, row in published.iterrows()
            if row["quantity"] == "indicator_weight"} == {
        "the index pools 10 cities without 18 of the paper's 28 study cities"}


def test_a_shorter_period_is_marked_not_comparable(published, resources):
    run, paper, provinces = demo_setups(resources, years={"first": 2010, "last": 2019})
    assert {reproduction.row_reason(row, run, paper, provinces) for _, row in published.iterrows()} == {
        "years 2010–2019, the paper's 2003–2019"}


def figure_inputs(reason: str):
    """31 weights (published i/100, this run i/90) and a 2 × 2 tier table, comparable when ``reason`` is ""."""
    dimensions = {f"x{i}": vocabulary.DIMENSIONS[i % 5] for i in range(1, 32)}
    comparison = pd.DataFrame({"quantity": "indicator_weight", "group": list(dimensions),
                               "published": [i / 100 for i in range(1, 32)], "this_run": [i / 90 for i in range(1, 32)],
                               "comparable": reason == "", "reason": reason})
    confusion = reproduction.tier_confusion(
        pd.DataFrame({"admin_code": ["A", "B"], "name_en": ["A", "B"], "year": 2019, "tier": ["high", "low"]}),
        pd.DataFrame({"admin_code": ["A", "B"], "year": 2019, "tier": ["high", "middle"]}), reason)
    return comparison, dimensions, confusion


def test_the_figure_says_not_comparable_instead_of_numbers():
    from urban_resilience.figures import plots

    comparison, dimensions, confusion = figure_inputs("")
    figure = plots.reproduction(comparison, dimensions, confusion, 1.0, "en", False)
    left, right = figure.axes
    assert sum(len(c.get_offsets()) for c in left.collections) == 31  # every weight drawn
    assert sorted(t.get_text() for t in right.texts) == ["0"] * 23 + ["1", "1"]  # 25 cells, two cities
    assert left.get_title() == "Indicator weights: paper vs this run (Spearman ρ = 1.00)"
    reason = "years 2010–2019, the paper's 2003–2019"
    comparison, dimensions, confusion = figure_inputs(reason)
    figure = plots.reproduction(comparison, dimensions, confusion, float("nan"), "en", False)
    left, right = figure.axes
    said = [" ".join(t.get_text().split()) for t in left.texts + right.texts]
    assert said == [f"not comparable: {reason}"] * 2  # and no other number in either panel
    assert not left.collections and not right.images
    assert left.get_title() == "Indicator weights: paper vs this run"
    assert right.get_title() == "Tiers in 2019: paper (rows) vs this run (columns)"
    # in Chinese, the reason too (as plot_reproduction passes it), one clause a line
    comparison, dimensions, confusion = figure_inputs(reproduction.reason_text(reason, "zh"))
    chinese = plots.reproduction(comparison, dimensions, confusion, float("nan"), "zh", False)
    assert chinese.axes[0].texts[0].get_text() == "不可比（与论文设定不同）：\n年份为 2010–2019，论文为 2003–2019"
    plt.close("all")


def test_every_reason_reads_in_chinese():
    """Each kind of reason of the tables, and several joined, in the figure's Chinese; a text no
    template knows stays as it is."""
    paper = reproduction.SetUp(frozenset("ABCD"), frozenset("ABCD"), 2003, 2004)
    pool = reproduction.SetUp(frozenset("ABE"), frozenset("ABE"), 2003, 2019)
    table = reproduction.compare(hand_published(), hand_scores(), HAND_WEIGHTS, pool, paper, HAND_PROVINCES)
    english = list(dict.fromkeys(table["reason"])) + reproduction.study_area_reasons(pool, paper)
    assert {reason: reproduction.reason_text(reason, "zh") for reason in english} == {
        "years 2003–2019, the paper's 2003–2004; the index pools 3 cities without 2 of the paper's 4 study cities; "
        "the study area has 2 of the paper's 4 cities and 1 city(ies) the paper has not":
            "年份为 2003–2019，论文为 2003–2004；指数汇总的 3 个城市缺少论文 4 个研究城市中的 2 个；"
            "研究区含论文 4 个城市中的 2 个，另有 1 个论文没有的城市",
        "years 2003–2019, the paper's 2003–2004; the index pools 3 cities without 2 of the paper's 4 study cities":
            "年份为 2003–2019，论文为 2003–2004；指数汇总的 3 个城市缺少论文 4 个研究城市中的 2 个",
        "years 2003–2019, the paper's 2003–2004; the index pools 3 cities without 2 of the paper's 4 study cities; "
        "the study area has 0 of the paper's 2 Hunan cities":
            "年份为 2003–2019，论文为 2003–2004；指数汇总的 3 个城市缺少论文 4 个研究城市中的 2 个；"
            "研究区含论文 2 个 Hunan 城市中的 0 个",
        "years 2003–2019, the paper's 2003–2004; the index pools 3 cities without 2 of the paper's 4 study cities; "
        "city C is not in the study area":
            "年份为 2003–2019，论文为 2003–2004；指数汇总的 3 个城市缺少论文 4 个研究城市中的 2 个；"
            "城市 C 不在研究区内",
        "years 2003–2019, the paper's 2003–2004": "年份为 2003–2019，论文为 2003–2004",
        "the index pools 3 cities without 2 of the paper's 4 study cities":
            "指数汇总的 3 个城市缺少论文 4 个研究城市中的 2 个",
        "the study area has 2 of the paper's 4 cities and 1 city(ies) the paper has not":
            "研究区含论文 4 个城市中的 2 个，另有 1 个论文没有的城市",
    }
    assert reproduction.reason_text("", "zh") == "" and reproduction.reason_text("a new reason", "zh") == "a new reason"
    assert reproduction.reason_text(english[0], "en") == english[0]


def test_chinese_reasons_wrap_after_each_clause_within_the_width():
    from urban_resilience.figures import plots

    text = "不可比（与论文设定不同）：" + reproduction.reason_text(
        "years 2017–2019, the paper's 2003–2019; the index pools 5 cities without 23 of the paper's 28 study cities; "
        "the study area has 5 of the paper's 28 cities and 2 city(ies) the paper has not", "zh")
    assert plots.wrap_chinese(text, 52).splitlines() == [
        "不可比（与论文设定不同）：", "年份为 2017–2019，论文为 2003–2019；",
        "指数汇总的 5 个城市缺少论文 28 个研究城市中的 23 个；",  # 52 columns and the final ；
        "研究区含论文 28 个城市中的 5 个，", "另有 2 个论文没有的城市"]
    assert plots.wrap_chinese("城市" * 30, 52).splitlines() == ["城市" * 13, "城市" * 13, "城市" * 4]
    assert plots.wrap_chinese("年份为 2017–2019", 8).splitlines() == ["年份为", "2017–2019"]  # a number stays whole


def test_weight_labels_do_not_overlap_each_other_or_the_points():
    """31 weights with a crowded cluster (x6, x16, x17 almost on one point, x8 and x9 on one point):
    every label drawn once, inside the axes, over no other label, no marker and not the legend;
    a label with another point nearer than its own has a leader line to its point."""
    from matplotlib.text import Text

    from urban_resilience.figures import plots

    plots.setup_fonts()  # the labels and the legend measured in the figures' CJK font
    comparison, dimensions, confusion = figure_inputs("")
    crowd = {"x6": (0.015, 0.0165), "x16": (0.0152, 0.0168), "x17": (0.0149, 0.0171), "x20": (0.0155, 0.016),
             "x8": (0.0006, 0.0006), "x9": (0.0006, 0.0006)}
    for code, (published, run) in crowd.items():
        comparison.loc[comparison["group"] == code, ["published", "this_run"]] = [published, run]
    figure = plots.reproduction(comparison, dimensions, confusion, 0.9, "zh", False)
    left = figure.axes[0]
    renderer = figure._get_renderer()
    for text in left.texts:
        text.update_positions(renderer)
    labels = {t.get_text(): Text.get_window_extent(t, renderer) for t in left.texts}  # the text, not its leader
    assert sorted(labels) == sorted(comparison["group"])
    frame = left.get_window_extent(renderer)
    points = dict(zip(comparison["group"], left.transData.transform(comparison[["published", "this_run"]])))
    radius = np.sqrt(22) / 2 * figure.dpi / 72
    legend = left.get_legend().get_window_extent(renderer)
    codes = sorted(labels)
    for k, code in enumerate(codes):
        box = labels[code]
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, code
        assert not box.overlaps(legend), code
        for other in codes[k + 1:]:
            assert not box.overlaps(labels[other]), (code, other)
        for x, y in points.values():
            assert not (box.x0 < x + radius - 0.01 and x - radius + 0.01 < box.x1 and box.y0 < y + radius - 0.01
                        and y - radius + 0.01 < box.y1), code
        gap = {c: np.hypot(np.clip(x, box.x0, box.x1) - x, np.clip(y, box.y0, box.y1) - y)
               for c, (x, y) in points.items()}
        annotation = next(t for t in left.texts if t.get_text() == code)
        assert gap[code] <= min(gap.values()) + 0.5 or annotation.arrow_patch is not None, code
    assert sum(t.arrow_patch is not None for t in left.texts) >= 6  # the crowded ones at least
    plt.close("all")


def test_the_demo_run_compares_every_row_as_before(demo_run):
    """The demo is the paper's set-up: every row compared, difference = this run − published as
    before the comparability columns; the tiers too."""
    comparison = pd.read_csv(demo_run / "results" / "reproduction" / "comparison.csv", dtype={"group": str},
                             keep_default_na=False, na_values={"difference": [""], "this_run": [""]})
    assert len(comparison) == 78 and comparison["comparable"].all() and (comparison["reason"] == "").all()
    assert comparison["difference"].to_numpy() == pytest.approx(
        (comparison["this_run"] - comparison["published"]).to_numpy(), abs=1e-11)
    confusion = pd.read_csv(demo_run / "results" / "reproduction" / "tier_confusion.csv", keep_default_na=False)
    assert confusion["comparable"].all() and confusion["cities"].sum() == 28


def test_weight_rank_correlation_is_spearmans_with_ties():
    from scipy.stats import spearmanr

    published = [0.01, 0.02, 0.02, 0.05, 0.03, 0.03, 0.03, 0.10]
    this_run = [0.02, 0.01, 0.04, 0.04, 0.03, 0.06, 0.00, 0.20]
    comparison = pd.DataFrame({"quantity": ["indicator_weight"] * 8 + ["dimension_weight"],
                               "published": published + [0.5], "this_run": this_run + [0.1], "comparable": True})
    assert reproduction.weight_rank_correlation(comparison) == pytest.approx(spearmanr(published, this_run).statistic,
                                                                             abs=1e-12)
