"""The maps' class breaks (pooled over years or per year), legends, outlines and labels, on a hand case."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from shapely.geometry import box

from urban_resilience.core.vocabulary import MEASURES
from urban_resilience.figures import plots


def hand_case():
    """Four square cities in two provinces, two years; every measure = total = the same values."""
    boundaries = gpd.GeoDataFrame({"admin_code": ["A", "B", "C", "D"], "name_cn": ["甲", "乙", "丙", "丁"],
                                   "name_en": ["Aa", "Bb", "Cc", "Dd"], "province_cn": ["P", "P", "Q", "Q"]},
                                  geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)],
                                  crs="EPSG:4326")
    values = {2003: [0.01, 0.02, 0.03, 0.04], 2019: [0.10, 0.20, 0.30, 0.40]}
    rows = [{"admin_code": code, "year": year, **{m: v for m in MEASURES}}
            for year, vs in values.items() for code, v in zip("ABCD", vs)]
    return boundaries, pd.DataFrame(rows)


def legend_labels(ax) -> list[str]:
    legend = ax.get_legend()
    return [] if legend is None else [text.get_text() for text in legend.get_texts()]


def test_pooled_breaks_one_legend_per_row_over_all_years():
    boundaries, scores = hand_case()
    fig = plots.choropleths(boundaries, scores, [2003, 2019], 2, {}, "en", False)
    axes = np.array(fig.axes).reshape(len(MEASURES), 2)
    assert all(legend_labels(ax) == [] for ax in axes[:, 0])  # one legend per row, at the right
    labels = legend_labels(axes[0, 1])
    assert labels[0].startswith("0.010–") and labels[-1].endswith("–0.400")  # pooled: 2003 and 2019 values
    assert axes[0, 1].get_legend().get_title().get_text() == "score (0–1, no unit)"
    assert not any(text.get_text() == "Aa" for text in axes[0, 0].texts)  # no city labels by default


def test_per_year_breaks_give_each_panel_its_own_legend_and_labels_when_asked():
    boundaries, scores = hand_case()
    fig = plots.choropleths(boundaries, scores, [2003, 2019], 2, {}, "en", False, per_year=True, city_labels=True)
    axes = np.array(fig.axes).reshape(len(MEASURES), 2)
    first, last = legend_labels(axes[0, 0]), legend_labels(axes[0, 1])
    assert first[0].startswith("0.010–") and first[-1].endswith("–0.040")  # 2003's own range
    assert last[0].startswith("0.100–") and last[-1].endswith("–0.400")
    assert {"Aa", "Bb", "Cc", "Dd"} <= {text.get_text() for text in axes[0, 0].texts}
    # province outlines: the two dissolved provinces drawn as lines over the cities
    lines = [c for c in axes[0, 0].collections if isinstance(c, LineCollection)]
    assert len(lines) == 1 and len(lines[0].get_paths()) == 2


def test_obstacle_heatmap_groups_cities_by_province():
    boundaries, _ = hand_case()
    cities = pd.DataFrame(boundaries.drop(columns="geometry")).assign(province_en=["Pe", "Pe", "Qe", "Qe"])
    degrees = pd.DataFrame({"admin_code": list("ABCD"), "year": 2019, "x1": [60.0, 50, 40, 30],
                            "x2": [40.0, 50, 60, 70]})
    fig = plots.obstacle_heatmap(degrees, cities, 2019, "en", False)
    ax = fig.axes[0]
    separators = [line.get_ydata()[0] for line in ax.lines]
    assert separators == [1.5]  # between the second and the third city: one line between two provinces
    assert {text.get_text() for text in ax.texts} >= {"Pe", "Qe"}


def test_titles_name_the_study_area_only_when_configured():
    from urban_resilience.core.labels import with_region

    assert with_region("城市韧性空间分布", "", "zh") == "城市韧性空间分布"
    assert with_region("城市韧性空间分布", "长江中游城市群", "zh") == "长江中游城市群：城市韧性空间分布"
    assert with_region("Spatial pattern", "Mid-Yangtze", "en") == "Spatial pattern — Mid-Yangtze"
    boundaries, scores = hand_case()
    fig = plots.choropleths(boundaries, scores, [2003], 2, {}, "en", False, region="Test region")
    assert fig._suptitle.get_text() == "Spatial pattern of urban resilience — Test region"


def ring_case():
    """Eight unit squares around an empty centre (like 仙桃, 潜江 and 天门 inside Hubei's prefectures),
    one more square far off, and a sliver of 0.001° between two squares of the ring, open to the outside."""
    squares = [box(x, y, x + 1, y + 1) for x in range(3) for y in range(3) if (x, y) != (1, 1)]
    squares[0] = box(0, 0, 0.999, 1)  # a sliver 0.001° wide between it and its east neighbour
    squares.append(box(10, 10, 11, 11))
    codes = [f"C{k}" for k in range(len(squares))]
    return gpd.GeoDataFrame({"admin_code": codes, "name_cn": codes, "name_en": codes, "province_cn": "P"},
                            geometry=squares, crs="EPSG:4326")


def test_enclosed_gaps_are_the_holes_of_the_study_area_and_maps_mark_them():
    from matplotlib_scalebar.scalebar import ScaleBar

    boundaries = ring_case()
    gaps = plots.enclosed_gaps(boundaries)
    assert len(gaps) == 1 and gaps.iloc[0].equals(box(1, 1, 2, 2))  # the centre; the sliver is left out
    assert len(plots.enclosed_gaps(boundaries, min_area=0.0001)) == 1  # the sliver opens to the outside
    tiers = pd.DataFrame({"admin_code": boundaries["admin_code"], "tier": "middle"})
    fig = plots.category_map(boundaries, tiers, "tier", plots.TIER_COLOURS, "t", "en", False)
    ax = fig.axes[0]
    assert legend_labels(ax)[-1] == "not in the study area (e.g. county-level cities under the province)"
    hatched = [c for c in ax.collections if c.get_hatch() == plots.OUTSIDE_STYLE["hatch"]]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 1
    bars = [artist for artist in ax.artists if isinstance(artist, ScaleBar)]
    assert len(bars) == 1
    low, high = ax.get_ylim()  # metres per degree of longitude at the map's central latitude
    assert bars[0].dx == pytest.approx(111_320 * np.cos(np.radians((low + high) / 2)))
    assert [text.get_text() for text in ax.texts if text.get_text() == "N"] == ["N"]
    # no hole, no legend entry
    whole = plots.category_map(hand_case()[0], tiers.assign(admin_code=list("ABCD") * 2 + ["A"]), "tier",
                               plots.TIER_COLOURS, "t", "en", False)
    assert "not in" not in " ".join(legend_labels(whole.axes[0]))


def test_choropleths_mark_gaps_and_carry_one_scale_bar():
    from matplotlib_scalebar.scalebar import ScaleBar

    boundaries = ring_case()
    scores = pd.DataFrame([{"admin_code": code, "year": 2019, **{m: k / 10 for m in MEASURES}}
                           for k, code in enumerate(boundaries["admin_code"])])
    fig = plots.choropleths(boundaries, scores, [2019], 3, {}, "zh", False)
    bars = [a for ax in fig.axes for a in ax.artists if isinstance(a, ScaleBar)]
    assert len(bars) == 1 and bars[0].axes is np.array(fig.axes).reshape(len(MEASURES), 1)[-1, 0]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["非研究区（如省直管县级市）"]
    assert all(any(c.get_hatch() == "////" for c in ax.collections) for ax in fig.axes)


def test_city_totals_have_axis_labels_and_obstacles_keep_rows_readable():
    boundaries, scores = hand_case()
    cities = pd.DataFrame(boundaries.drop(columns="geometry")).assign(province_en=["Pe", "Pe", "Qe", "Qe"])
    fig = plots.city_small_multiples(scores, cities, "en", False)
    assert fig.get_supylabel() == "Total" and fig.get_supxlabel() == "Year"
    long_names = {"x1": "Industrial wastewater per 10 000 yuan of industrial value added", "x2": "GDP"}
    degrees = pd.DataFrame({"admin_code": ["A"], "year": 2019, "x1": [60.0], "x2": [40.0]})
    fig = plots.obstacle_heatmap(degrees, cities, 2019, "en", False, long_names)
    fig.canvas.draw()
    height = fig.axes[0].get_window_extent().height / fig.dpi  # inches of cells for one city
    assert height >= 0.9
