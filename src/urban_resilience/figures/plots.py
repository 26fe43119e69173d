"""Figures: matplotlib with a bundled CJK font, fixed metadata so reruns give the same bytes."""

from __future__ import annotations

import re
import textwrap
from importlib.resources import files
from pathlib import Path
from textwrap import fill

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from urban_resilience.core.labels import city_name, label, with_region  # noqa: E402
from urban_resilience.core.vocabulary import MEASURES  # noqa: E402

CJK_FAMILY = "Noto Sans CJK SC"
DIMENSION_COLOURS = {"economic": "#1b9e77", "ecological": "#66a61e", "social": "#7570b3",
                     "infrastructure": "#d95f02", "institutional": "#e7298a", "total": "#333333"}
TIER_COLOURS = {"low": "#d7191c", "lower-middle": "#fdae61", "middle": "#ffffbf", "upper-middle": "#a6d96a",
                "high": "#1a9641"}
LISA_COLOURS = {"high-high": "#d7191c", "low-low": "#2c7bb6", "high-low": "#fdae61", "low-high": "#abd9e9",
                "not significant": "#eeeeee", "not computed": "#bdbdbd"}


def cjk_font_path() -> Path:
    """The Noto Sans CJK collection shipped by the noto-cjk-sans-otc package (OFL-1.1)."""
    return Path(str(files("noto_cjk_sans_otc") / "NotoSansCJK-Regular.ttc"))


def setup_fonts() -> str:
    """Register the CJK font with matplotlib and make it the default; return its family name."""
    path = cjk_font_path()
    if not path.exists():
        raise FileNotFoundError(f"CJK font not found at {path}; reinstall the package (pip install -e .)")
    font_manager.fontManager.addfont(str(path))
    plt.rcParams.update({
        "font.family": "sans-serif", "font.sans-serif": [CJK_FAMILY, "DejaVu Sans"], "axes.unicode_minus": False,
        "svg.hashsalt": "urban-resilience", "svg.fonttype": "none",  # SVG text stays text: editable labels
        "pdf.fonttype": 42, "figure.dpi": 100, "savefig.dpi": 150, "axes.spines.top": False,
        "axes.spines.right": False,
    })
    return CJK_FAMILY


def save(fig: Figure, paths: list[str], trim: bool = True) -> None:
    """Save to each path by its suffix with metadata that does not change between runs; ``trim``
    crops to what is drawn (an extra layout pass; figures with fixed margins do without)."""
    metadata = {".png": {"Software": None}, ".svg": {"Date": None, "Creator": None},
                ".pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}}
    for path in paths:
        fig.savefig(path, metadata=metadata[Path(path).suffix], bbox_inches="tight" if trim else None)


def subplots(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] | None = None, **kwargs):
    """A figure and its axes outside pyplot's state: its canvas renders only when saved.

    (A pyplot figure's Agg canvas renders the whole figure at every ``draw_idle()``, which
    geopandas calls after each map panel; for 18 panels that was most of a map job's time.)
    """
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def fixed_margins(fig: Figure, left: float, right: float, top: float, bottom: float, wspace: float,
                  hspace: float) -> None:
    """Margins in inches (gaps as fractions of the mean panel size), for figures with many panels:
    tight_layout measures every tick and label of every panel, which takes seconds there. Save such
    figures with ``trim=False``."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height,
                        wspace=wspace, hspace=hspace)


def output_paths(png: str, extra: list[str]) -> list[str]:
    """The PNG and its publication copies (same stem, other suffixes) among a rule's outputs."""
    stem = Path(png).stem
    return [png] + [path for path in extra if Path(path).stem == stem]


def mark_synthetic(fig: Figure, synthetic: bool, language: str) -> None:
    if synthetic:
        fig.text(0.995, 0.005, label("synthetic", language), ha="right", va="bottom", fontsize=7, color="#b2182b")


def dimension_means(means: pd.DataFrame, language: str, synthetic: bool, region: str = "") -> Figure:
    """Fig. 1: yearly mean of each dimension (left) and of the total (right); ``region`` names the
    study area in the title."""
    fig, (left, right) = subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [3, 2]})
    for measure in MEASURES[:-1]:
        left.plot(means["year"], means[measure], marker="o", ms=3, color=DIMENSION_COLOURS[measure],
                  label=label(measure, language))
    right.plot(means["year"], means["total"], marker="o", ms=3, color=DIMENSION_COLOURS["total"])
    left.set_title(with_region(label("fig_means", language), region, language), fontsize=11)
    right.set_title(label("total", language), fontsize=11)
    for axis in (left, right):
        axis.set_xlabel(label("year", language))
        axis.set_ylabel(label("mean", language))
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.grid(alpha=0.3)
    left.legend(fontsize=8, frameon=False)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig


def for_drawing(boundaries, tolerance: float = 0.01):
    """Polygons simplified for maps (shared borders stay shared: GEOS coverage simplification).
    0.01° is about 1 km, invisible at the scale of these maps; sampling uses the full polygons."""
    import shapely

    simplified = boundaries.copy()
    simplified["geometry"] = shapely.coverage_simplify(boundaries.geometry.values, tolerance)
    return simplified


OUTSIDE_STYLE = {"facecolor": "#e3e3e3", "edgecolor": "#9a9a9a", "hatch": "////", "linewidth": 0.0}
GAP_MIN_AREA = 0.01  # square degrees, about 100 km² at 25-35° N


def enclosed_gaps(boundaries, min_area: float = GAP_MIN_AREA):
    """Land the study area encloses but no study-area city covers: the holes of the union of the
    polygons larger than ``min_area`` square degrees (smaller ones are slivers between source
    polygons). With the paper's 28 cities these are the county-level cities that Hubei administers
    directly (仙桃 429004, 潜江 429005, 天门 429006), which no prefecture contains; maps draw them
    as "not in the study area" instead of as unexplained white holes."""
    import shapely
    from geopandas import GeoSeries

    union = shapely.union_all(boundaries.geometry.values)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    return GeoSeries([hole for hole in holes if hole.area >= min_area], crs=boundaries.crs)


def outside_patch(language: str) -> Patch:
    """The legend entry of :func:`enclosed_gaps`."""
    return Patch(**{**OUTSIDE_STYLE, "linewidth": 0.5}, label=label("outside_study_area", language))


def map_furniture(ax, scale: bool = True, north: bool = True) -> None:
    """A scale bar (lower left) and a north arrow (upper right) on a map drawn in degrees (WGS84, as
    geopandas draws it: the y axis stretched by 1/cos φ). The bar's length is in km at the map's
    central latitude φ: 1° of longitude = 111.32 km · cos φ (matplotlib-scalebar picks a round
    length of about a fifth of the width)."""
    from matplotlib_scalebar.scalebar import ScaleBar

    if scale:
        low, high = ax.get_ylim()
        metres_per_degree = 111_320.0 * np.cos(np.radians((low + high) / 2))
        ax.add_artist(ScaleBar(metres_per_degree, units="m", dimension="si-length", location="lower left",
                               length_fraction=0.2, width_fraction=0.012, box_alpha=0.0, border_pad=0.2,
                               font_properties={"size": 6}, color="#333333"))
    if north:
        ax.annotate("N", xy=(0.95, 0.98), xytext=(0.95, 0.84), xycoords="axes fraction", ha="center", va="center",
                    fontsize=7, arrowprops={"facecolor": "#333333", "edgecolor": "none", "width": 1.5,
                                            "headwidth": 6, "headlength": 6})


def class_breaks(values: pd.Series, classes: int, user: list[float] | None) -> np.ndarray:
    """Upper class bounds: the user's, or Fisher–Jenks over the values pooled across all years."""
    if user:
        return np.array(sorted(user), dtype=float)
    return fisher_jenks(values.to_numpy(dtype=float), classes)


def fisher_jenks(values: np.ndarray, classes: int) -> np.ndarray:
    """Upper bounds of the Fisher–Jenks optimal classes: the partition of the sorted values into
    ``classes`` runs that minimises the total within-class sum of squared deviations.

    Exact dynamic programme, vectorised over the class starts (mapclassify's own version is a
    pure-Python loop unless numba is installed; the tests compare the two).
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    classes = min(classes, len(np.unique(x)))
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def ssd(starts: np.ndarray, end: int) -> np.ndarray:  # cost of x[start..end] for each start
        count = end - starts + 1
        total = s1[end + 1] - s1[starts]
        return (s2[end + 1] - s2[starts]) - total * total / count

    cost = (s2[1:] - s1[1:] ** 2 / np.arange(1, n + 1))  # one class: x[0..i]
    start = np.zeros((classes, n), dtype=int)
    for c in range(1, classes):
        new = np.full(n, np.inf)
        for i in range(c, n):
            starts = np.arange(c, i + 1)  # the last class is x[start..i]
            candidates = cost[starts - 1] + ssd(starts, i)
            best = int(np.argmin(candidates))
            new[i], start[c, i] = candidates[best], starts[best]
        cost = new
    bounds, end = [], n - 1
    for c in range(classes - 1, -1, -1):
        bounds.append(x[end])
        end = start[c, end] - 1
    return np.array(bounds[::-1])


def choropleths(boundaries, scores: pd.DataFrame, years: list[int], classes: int, user_breaks: dict,
                language: str, synthetic: bool, per_year: bool = False, city_labels: bool = False,
                region: str = "") -> Figure:
    """Fig. 2: rows = the five dimensions and the total, columns = ``years``. Class breaks are one
    set per row over all years of ``scores`` (colours compare across time) or, with ``per_year``, one
    set per panel (each panel its own legend). Province outlines in grey; city names if ``city_labels``."""
    width = 3.0 * len(years) + 1.6 + (1.4 * (len(years) - 1) if per_year else 0.0)  # room for every legend
    fig, axes = subplots(len(MEASURES), len(years), figsize=(width, 2.6 * len(MEASURES)), squeeze=False)
    provinces = boundaries.dissolve(by="province_cn")  # outlines drawn over the cities
    gaps = enclosed_gaps(boundaries)
    for r, measure in enumerate(MEASURES):
        for c, year in enumerate(years):
            ax = axes[r][c]
            values = scores.loc[scores["year"] == year, measure] if per_year else scores[measure]
            breaks = class_breaks(values, classes, user_breaks.get(measure))
            edges = np.concatenate([[values.min()], breaks])
            edges[-1] = max(edges[-1], values.max())
            cmap = plt.get_cmap("YlGnBu", len(breaks))
            norm = BoundaryNorm(edges, cmap.N)
            data = boundaries.merge(scores[scores["year"] == year][["admin_code", measure]], on="admin_code")
            data.plot(column=measure, cmap=cmap, norm=norm, ax=ax, edgecolor="white", linewidth=0.3)
            if len(gaps):
                gaps.plot(ax=ax, **OUTSIDE_STYLE)
            provinces.boundary.plot(ax=ax, color="#444444", linewidth=0.6)
            if city_labels:
                for _, row in data.iterrows():
                    point = row.geometry.representative_point()
                    ax.text(point.x, point.y, city_name(row, language), fontsize=4.5, ha="center", va="center")
            ax.set_axis_off()
            if r == 0:
                ax.set_title(str(year), fontsize=12, y=1.0)  # fixed y: no per-panel overlap search
            if c == 0:
                ax.text(-0.06, 0.5, label(measure, language), transform=ax.transAxes, rotation=90, ha="right",
                        va="center", fontsize=11)
            if per_year or c == len(years) - 1:
                handles = [Patch(facecolor=cmap(i), edgecolor="#999999", label=f"{edges[i]:.3f}–{edges[i + 1]:.3f}")
                           for i in range(len(breaks))]
                ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7, frameon=False,
                          title=label("legend_score", language), title_fontsize=7, alignment="left")
    map_furniture(axes[-1][0])  # one scale bar and north arrow: every panel has the same extent
    if len(gaps):
        fig.legend(handles=[outside_patch(language)], loc="lower left", bbox_to_anchor=(0.45 / width, 0.0),
                   fontsize=7, frameon=False)
    fig.suptitle(with_region(label("fig_maps", language), region, language), fontsize=13)
    mark_synthetic(fig, synthetic, language)
    fixed_margins(fig, left=0.45, right=1.35, top=0.8, bottom=0.3, wspace=0.02 + (0.45 if per_year else 0),
                  hspace=0.08)
    return fig


def category_map(boundaries, categories: pd.DataFrame, column: str, colours: dict, title: str, language: str,
                 synthetic: bool, panels: list[tuple[str, pd.DataFrame]] | None = None,
                 notes: list[str] | None = None) -> Figure:
    """Maps of a categorical column (tiers, LISA clusters), one panel per (title, frame), each with
    an optional note written under it (``notes``, one per panel, '' for none)."""
    panels = panels or [(title, categories)]
    notes = notes or [""] * len(panels)
    fig, axes = subplots(1, len(panels), figsize=(4.2 * len(panels) + 1.5, 4.4), squeeze=False)
    gaps = enclosed_gaps(boundaries)
    for ax, (panel_title, frame), note in zip(axes[0], panels, notes):
        if note:
            ax.text(0.5, -0.02, textwrap.fill(note, 48), transform=ax.transAxes, ha="center", va="top", fontsize=7.5,
                    color="#b2182b")
        data = boundaries.merge(frame[["admin_code", column]], on="admin_code")
        data.plot(color=data[column].map(colours), ax=ax, edgecolor="white", linewidth=0.4)
        if len(gaps):
            gaps.plot(ax=ax, **OUTSIDE_STYLE)
        if len(data) <= 60:  # names stay readable up to about this many units
            for _, row in data.iterrows():
                point = row.geometry.representative_point()
                ax.text(point.x, point.y, city_name(row, language), fontsize=5.5, ha="center", va="center")
        ax.set_axis_off()
        ax.set_title(panel_title, fontsize=10, y=1.0)
    map_furniture(axes[0][0])
    handles = [Patch(facecolor=colours[key], edgecolor="#999999", label=label(key, language)) for key in colours]
    handles += [outside_patch(language)] if len(gaps) else []
    axes[0][-1].legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8, frameon=False)
    if len(panels) > 1:
        fig.suptitle(title, fontsize=12)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig


def lisa_map(boundaries, lisa: pd.DataFrame, years: list[int], language: str, synthetic: bool) -> Figure:
    """LISA clusters of the total, one panel per year. A city whose test was not computed
    (``computed`` false) is drawn as "not computed" (the legend lists that class only when it
    occurs); a year in which no city's test was computed says "not computed: <reason>" under its
    map instead of showing clusters."""
    lisa = lisa[lisa["measure"] == "total"].assign(reason=lambda f: f["reason"].fillna(""))
    computed = lisa["computed"].astype(bool)
    colours = {key: colour for key, colour in LISA_COLOURS.items() if key != "not computed" or not computed.all()}
    panels, notes = [], []
    for year in years:
        frame = lisa[lisa["year"] == year]
        panels.append((str(year), frame))
        reasons = sorted(set(frame.loc[~computed.loc[frame.index], "reason"]))
        none = not computed.loc[frame.index].any() and bool(reasons)
        notes.append(label("not_computed", language, reason="; ".join(reasons)) if none else "")
    return category_map(boundaries, lisa, "cluster", colours, label("fig_lisa", language), language, synthetic,
                        panels, notes)


def obstacle_heatmap(degrees: pd.DataFrame, cities: pd.DataFrame, year: int, language: str,
                     synthetic: bool, indicator_names: dict[str, str] | None = None) -> Figure:
    """Cities (rows, in code order: province by province, groups separated by a line and named) ×
    indicators (columns) for one year, in %; columns labelled with the code and, given
    ``indicator_names``, the indicator's name."""
    block = degrees[degrees["year"] == year].set_index("admin_code").drop(columns=["year", "dataset"], errors="ignore")
    names = cities.set_index("admin_code").loc[block.index].apply(lambda r: city_name(r, language), axis=1)
    columns = [f"{code} {indicator_names[code]}" if indicator_names else code for code in block.columns]
    # the rotated column labels take their own height below the cells (about 0.07 in per character at
    # 7 pt), so that a few cities still get rows of readable height (at least 0.3 in each)
    labels_height = 0.07 * max(len(name) for name in columns)
    fig, ax = subplots(figsize=(0.32 * block.shape[1] + 2.5, max(0.26 * block.shape[0], 1.2) + 1.5 + labels_height))
    image = ax.imshow(block.to_numpy(), cmap="OrRd", aspect="auto")
    ax.set_xticks(range(block.shape[1]), columns, fontsize=7, rotation=90)
    ax.set_yticks(range(block.shape[0]), names, fontsize=7)
    provinces = cities.set_index("admin_code").loc[block.index, "province_cn" if language == "zh" else "province_en"]
    starts = [k for k in range(len(provinces)) if k == 0 or provinces.iloc[k] != provinces.iloc[k - 1]]
    for start, end in zip(starts, starts[1:] + [len(provinces)]):  # province groups: a line and a name
        if start:
            ax.axhline(start - 0.5, color="#333333", linewidth=1.0)
        ax.text(-0.09, (start + end - 1) / 2, provinces.iloc[start], transform=ax.get_yaxis_transform(),
                rotation=90, ha="right", va="center", fontsize=8)
    ax.set_title(label("fig_obstacles", language, year=year), fontsize=11)
    fig.colorbar(image, ax=ax, label=label("obstacle", language), fraction=0.03)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig


def inequality_panels(inequality: pd.DataFrame, language: str, synthetic: bool, region: str = "") -> Figure:
    """Theil (between + within provinces) and Dagum Gini (within + net between + transvariation)."""
    fig, (left, right) = subplots(1, 2, figsize=(10, 4.4))
    years = inequality["year"]
    left.stackplot(years, inequality["theil_between"], inequality["theil_within"],
                   labels=[label("theil_between", language), label("theil_within", language)],
                   colors=["#d95f02", "#7570b3"], alpha=0.8)
    left.set_title(label("theil", language), fontsize=11)
    parts = ["gini_within", "gini_net_between", "gini_transvariation"]
    right.stackplot(years, *[inequality[p] for p in parts], labels=[label(p, language) for p in parts],
                    colors=["#1b9e77", "#d95f02", "#7570b3"], alpha=0.8)
    right.plot(years, inequality["gini"], color="black", lw=1, label=label("gini", language))
    right.set_title(label("gini", language) + " (Dagum)", fontsize=11)
    for axis in (left, right):
        axis.set_xlabel(label("year", language))
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        # below the axes: a legend inside would cover the stacked areas
        axis.legend(fontsize=7, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4)
        axis.grid(alpha=0.3)
    fig.suptitle(with_region(label("fig_inequality", language), region, language), fontsize=12)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig


def city_small_multiples(scores: pd.DataFrame, cities: pd.DataFrame, language: str, synthetic: bool) -> Figure:
    """One small panel per city: its total over the years against the study-area mean (grey).
    All panels get the same limits and ticks, tick labels only on the outer panels (set by hand:
    matplotlib's shared axes measure every sibling's ticks for every panel, quadratic in panels)."""
    codes = sorted(scores["admin_code"].unique())
    columns = 7
    rows = int(np.ceil(len(codes) / columns))
    fig, axes = subplots(rows, columns, figsize=(2.0 * columns, 1.55 * rows), squeeze=False)
    mean = scores.groupby("year")["total"].mean()
    table = cities.set_index("admin_code")
    first, last = int(scores["year"].min()), int(scores["year"].max())
    low, high = min(scores["total"].min(), mean.min()), max(scores["total"].max(), mean.max())
    pad_x, pad_y = 0.05 * max(last - first, 1), 0.05 * (high - low or 1.0)  # matplotlib's default margins
    year_ticks = [t for t in MaxNLocator(nbins=3, integer=True).tick_values(first, last) if first <= t <= last]
    for index, (ax, code) in enumerate(zip(axes.flat, codes)):
        block = scores[scores["admin_code"] == code]
        ax.plot(mean.index, mean.values, color="#bbbbbb", lw=1)
        ax.plot(block["year"], block["total"], color=DIMENSION_COLOURS["total"], lw=1.3)
        ax.set_title(city_name(table.loc[code], language), fontsize=8, y=1.0)  # fixed y: no overlap search
        ax.set_xlim(first - pad_x, last + pad_x)
        ax.set_ylim(low - pad_y, high + pad_y)
        ax.set_xticks(year_ticks)
        ax.tick_params(labelsize=6, labelleft=index % columns == 0, labelbottom=index + columns >= len(codes))
    for ax in axes.flat[len(codes):]:
        ax.set_axis_off()
    fig.suptitle(f"{label('fig_cities', language)} ({label('grey_mean', language)})", fontsize=11)
    fig.supylabel(label("total", language), fontsize=9, x=0.08 / fig.get_size_inches()[0])
    fig.supxlabel(label("year", language), fontsize=9, y=0.04 / fig.get_size_inches()[1])
    mark_synthetic(fig, synthetic, language)
    fixed_margins(fig, left=0.55, right=0.1, top=0.6, bottom=0.6, wspace=0.08, hspace=0.45)
    return fig


def density_curves(kde: pd.DataFrame, years: list[int], language: str, synthetic: bool) -> Figure:
    """Kernel density of city totals for the chosen years."""
    fig, ax = subplots(figsize=(6, 3.8))
    colours = plt.get_cmap("viridis")(np.linspace(0, 0.85, len(years)))
    for colour, year in zip(colours, years):
        block = kde[kde["year"] == year]
        ax.plot(block["total"], block["density"], color=colour, label=str(year))
    ax.set_xlabel(label("total", language))
    ax.set_ylabel(label("density", language))
    ax.set_title(label("fig_kde", language), fontsize=11)
    ax.legend(frameon=False, fontsize=8)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig


def _not_comparable(ax, reason: str, language: str) -> None:
    """An empty panel saying why it shows no comparison (``reason`` already in ``language``: see
    ``exports.reproduction.reason_text``)."""
    ax.set_axis_off()
    text = label("not_comparable", language, reason=reason)
    ax.text(0.5, 0.5, wrap_chinese(text, 52) if language == "zh" else fill(text, 48), ha="center", va="center",
            fontsize=9, color="#B2182B", transform=ax.transAxes)


def wrap_chinese(text: str, width: int) -> str:
    """Chinese text in lines of at most ``width`` columns (a Chinese character or punctuation mark
    counts 2, other characters 1; a clause's final ：or ；may stand beyond): a new line after each
    ：and ；, and a longer clause broken after its last ，that fits, else its last space, else
    between the last two Chinese characters that fit, never inside a number or a Latin word."""
    def columns(part: str) -> int:
        return sum(1 if ord(ch) < 0x2E80 else 2 for ch in part.rstrip("：；"))

    lines = []
    for clause in re.split(r"(?<=[：；])", text):
        while columns(clause) > width:
            comma, space, between, used = 0, 0, 0, 0
            for k, ch in enumerate(clause):
                used += columns(ch)
                if used > width:
                    break
                if ch == "，":
                    comma = k + 1
                elif ch == " ":
                    space = k + 1
                elif ord(ch) >= 0x2E80 and k + 1 < len(clause) and ord(clause[k + 1]) >= 0x2E80:
                    between = k + 1
            cut = comma or space or between or len(clause)
            lines.append(clause[:cut].rstrip())
            clause = clause[cut:].lstrip()
        if clause:
            lines.append(clause)
    return "\n".join(lines)


def reproduction(comparison: pd.DataFrame, dimensions: dict[str, str], confusion: pd.DataFrame, rho: float,
                 language: str, synthetic: bool) -> Figure:
    """The paper's indicator weights against this run's (log axes, dimension colours, the 1:1 line)
    beside the tier confusion table (paper's tier in rows, this run's in columns, cell counts).

    A panel whose rows are not comparable with the paper (``comparable`` false) shows no numbers,
    only "not comparable: <reason>" (see ``exports.reproduction``)."""
    fig, (left, right) = subplots(1, 2, figsize=(11, 5), gridspec_kw={"width_ratios": [1.1, 1]})
    weights = comparison[comparison["quantity"] == "indicator_weight"]
    year = int(confusion.attrs.get("year", 2019))
    if not weights["comparable"].all():
        left.set_title(label("fig_reproduction_weights", language), fontsize=10)
        _not_comparable(left, str(weights.loc[~weights["comparable"], "reason"].iloc[0]), language)
    else:
        _weights_panel(left, weights, dimensions, rho, language)
    if not confusion["comparable"].all():
        right.set_title(label("fig_reproduction_tiers", language, year=year), fontsize=10)
        _not_comparable(right, str(confusion["reason"].iloc[0]), language)
    else:
        _tiers_panel(right, confusion, year, language)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    if weights["comparable"].all():  # after the layout: labels are placed where the points end up
        place_labels(left, weights["published"].to_numpy(float), weights["this_run"].to_numpy(float),
                     list(weights["group"]), fontsize=6, color="#555555", marker_size=22)
    return fig


def _weights_panel(left, weights: pd.DataFrame, dimensions: dict[str, str], rho: float, language: str) -> None:
    for dimension in dict.fromkeys(dimensions.values()):
        block = weights[weights["group"].map(dimensions) == dimension]
        left.scatter(block["published"], block["this_run"], s=22, color=DIMENSION_COLOURS[dimension],
                     label=label(dimension, language), zorder=3)
    low = min(weights["published"].min(), weights["this_run"].min()) * 0.7
    high = max(weights["published"].max(), weights["this_run"].max()) * 1.4
    left.plot([low, high], [low, high], color="#999999", lw=0.8, ls="--", zorder=1)
    left.set(xscale="log", yscale="log", xlim=(low, high), ylim=(low, high), xlabel=label("paper_weight", language),
             ylabel=label("run_weight", language))
    left.set_title(label("fig_reproduction", language, rho=rho), fontsize=10)
    left.legend(fontsize=7, frameon=False, loc="upper left")
    left.grid(alpha=0.3, which="both")


LABEL_DIRECTIONS = [(1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1)]
LABEL_DISTANCES = (2.0, 6.0, 11.0, 17.0, 24.0)  # points between a point's edge and its label


def place_labels(ax, xs: np.ndarray, ys: np.ndarray, texts: list[str], fontsize: float, color: str,
                 marker_size: float) -> list:
    """Label every point so that no two labels overlap and no label covers a point or the legend.

    Deterministic greedy placement in display coordinates: points in order of how many others lie
    within 20 points of them (most crowded first, then by label); for each, the candidate
    positions are the eight directions (NE, SE, NW, SW, E, W, N, S) at the distances
    :data:`LABEL_DISTANCES` from the marker's edge; the first box inside the axes that overlaps no
    placed label, no marker and not the legend, and lies nearer its own point than any other (so
    that it reads as that point's label), is taken. A label set further than the nearest ring, or
    of a point with another within 20 points, gets a thin leader line to its point; if no candidate
    is free, the one with the least overlap (then the fewest nearer points) is taken. Returns the
    annotations.
    """
    fig = ax.figure
    renderer = fig._get_renderer()  # the renderer tight_layout measures with (Agg for a Figure without pyplot)
    scale = fig.dpi / 72  # pixels per point
    radius = np.sqrt(marker_size) / 2 * scale
    points = ax.transData.transform(np.column_stack([xs, ys]))
    frame = ax.get_window_extent(renderer)
    obstacles = [np.array([x - radius, y - radius, x + radius, y + radius]) for x, y in points]
    legend = ax.get_legend()
    if legend is not None:
        box = legend.get_window_extent(renderer)
        obstacles.append(np.array([box.x0, box.y0, box.x1, box.y1]))
    sizes = []
    for text in texts:
        probe = ax.text(0, 0, text, fontsize=fontsize)
        box = probe.get_window_extent(renderer)
        probe.remove()
        sizes.append((box.width, box.height))
    distances = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    crowd = (distances < 20 * scale).sum(axis=1)
    order = sorted(range(len(texts)), key=lambda i: (-crowd[i], texts[i]))
    placed: list[np.ndarray] = []
    annotations = [None] * len(texts)

    def overlap(a: np.ndarray, b: np.ndarray) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    for i in order:
        (x, y), (width, height) = points[i], sizes[i]
        best, best_cost = None, np.inf
        for ring, distance in enumerate(LABEL_DISTANCES):
            gap = radius + distance * scale
            for dx, dy in LABEL_DIRECTIONS:
                x0 = x + gap if dx > 0 else (x - gap - width if dx < 0 else x - width / 2)
                y0 = y + gap if dy > 0 else (y - gap - height if dy < 0 else y - height / 2)
                box = np.array([x0, y0, x0 + width, y0 + height])
                cost = sum(overlap(box, other) for other in placed + obstacles) * 1000
                inside = frame.x0 <= box[0] and box[2] <= frame.x1 and frame.y0 <= box[1] and box[3] <= frame.y1
                cost += 0 if inside else 1e12
                near = np.hypot(np.clip(points[:, 0], box[0], box[2]) - points[:, 0],
                                np.clip(points[:, 1], box[1], box[3]) - points[:, 1])
                cost += int((near < near[i] - 0.5).sum())  # other points nearer the label than its own
                if cost < best_cost:
                    best, best_cost = (box, ring), cost
                if cost == 0:
                    break
            if best_cost == 0:
                break
        box, ring = best
        placed.append(box)
        offset = ((box[0] - x) / scale, (box[1] - y) / scale)  # lower-left corner, in points
        corner = (float(np.clip((x - box[0]) / width, 0, 1)), float(np.clip((y - box[1]) / height, 0, 1)))
        leader = {"arrowstyle": "-", "lw": 0.5, "color": "#777777", "shrinkA": 0, "shrinkB": radius / scale,
                  "relpos": corner}  # from the label's corner nearest the point
        annotations[i] = ax.annotate(texts[i], (xs[i], ys[i]), xytext=offset, textcoords="offset points",
                                     ha="left", va="bottom", fontsize=fontsize, color=color,
                                     arrowprops=leader if ring > 0 or crowd[i] > 1 else None, zorder=4)
    return annotations


def _tiers_panel(right, confusion: pd.DataFrame, year: int, language: str) -> None:
    tiers = list(dict.fromkeys(confusion["paper_tier"]))
    table = confusion.pivot(index="paper_tier", columns="this_run_tier", values="cities").loc[tiers, tiers]
    right.imshow(table.to_numpy(), cmap="Blues", vmin=0)
    for i, paper_tier in enumerate(tiers):
        for j, run_tier in enumerate(tiers):
            count = int(table.iat[i, j])
            right.text(j, i, str(count), ha="center", va="center", fontsize=10,
                       color="white" if count > table.to_numpy().max() / 2 else "#222222")
    right.set_xticks(range(len(tiers)), [label(t, language) for t in tiers], rotation=30, ha="right", fontsize=8)
    right.set_yticks(range(len(tiers)), [label(t, language) for t in tiers], fontsize=8)
    right.set(xlabel=label("run_tier", language), ylabel=label("paper_tier", language))
    right.set_title(label("fig_reproduction_tiers", language, year=year), fontsize=10)


def rank_uncertainty(intervals: pd.DataFrame, cities: pd.DataFrame, years: list[int], language: str,
                     synthetic: bool) -> Figure:
    """One panel per year: cities sorted by nominal rank (best on top), a bar from the 5th to the
    95th percentile rank over the samples, a dot at the median, a diamond at the nominal rank."""
    count = intervals["admin_code"].nunique()
    fig, axes = subplots(1, len(years), figsize=(3.0 * len(years) + 1.2, 0.24 * count + 1.6), squeeze=False)
    names = cities.set_index("admin_code").apply(lambda r: city_name(r, language), axis=1)
    for ax, year in zip(axes[0], years):
        block = intervals[intervals["year"] == year].sort_values(["nominal_rank", "admin_code"])
        y = np.arange(len(block))
        ax.hlines(y, block["p05_rank"], block["p95_rank"], color="#9ecae1", linewidth=4, label=label("band", language))
        ax.plot(block["median_rank"], y, "o", color="#08519c", ms=3.5, label=label("median_rank", language))
        ax.plot(block["nominal_rank"], y, "D", mfc="none", mec="#cb181d", ms=5, label=label("nominal_rank", language))
        ax.set_yticks(y, names.loc[block["admin_code"]].tolist(), fontsize=7)
        ax.set_ylim(len(block) - 0.5, -0.5)
        ax.set_xlim(0.5, count + 0.5)
        ax.set_xlabel(label("rank", language))
        ax.set_title(str(year), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle(label("fig_rank_uncertainty", language), fontsize=11)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout(rect=(0, 0.5 / fig.get_size_inches()[1], 1, 1))
    return fig


def sobol_bars(sobol: pd.DataFrame, language: str, synthetic: bool) -> Figure:
    """First-order (S1) and total (ST) Sobol' indices per input with their confidence intervals
    for the mean absolute rank shift over all years (left), and their mean over the cities'
    last-year ranks (right; cities whose rank never moves left out)."""
    fig, (left, right) = subplots(1, 2, figsize=(10, 3.8), sharey=True)
    overall = sobol[(sobol["output"] == "mean_rank_shift") & (sobol["year"].astype(str) == "all")]
    ranks = sobol[sobol["output"] == "rank"].dropna(subset=["S1"]).groupby("input", sort=False)[["S1", "ST"]].mean()
    inputs = list(overall["input"])
    x = np.arange(len(inputs))
    for ax, frame, conf in ((left, overall.set_index("input"), True), (right, ranks.reindex(inputs), False)):
        for offset, column, colour in ((-0.2, "S1", "#6baed6"), (0.2, "ST", "#08519c")):
            errors = frame[f"{column}_conf"].to_numpy() if conf else None
            ax.bar(x + offset, frame[column].to_numpy(), width=0.4, color=colour, yerr=errors, capsize=2,
                   label=label(column, language))
        ax.set_xticks(x, [label(f"input_{name}", language) for name in inputs], rotation=30, ha="right", fontsize=8)
        ax.axhline(0, color="#333333", linewidth=0.6)
        ax.grid(axis="y", alpha=0.3)
    left.set_title(label("sobol_shift", language), fontsize=10)
    right.set_title(label("sobol_ranks", language), fontsize=10)
    left.set_ylabel(label("sobol_index", language))
    left.legend(fontsize=8, frameon=False)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig


def correlation_heatmap(matrix: pd.DataFrame, dimensions: dict[str, str], names: dict[str, str], language: str,
                        synthetic: bool) -> Figure:
    """Pearson correlations of the standardised indicators, ordered by dimension, each dimension's
    block outlined."""
    order = [code for dimension in MEASURES[:-1] for code in matrix.index if dimensions[code] == dimension]
    block = matrix.loc[order, order]
    fig, ax = subplots(figsize=(0.28 * len(order) + 3.5, 0.28 * len(order) + 2.2))
    image = ax.imshow(block.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
    ticks = [f"{code} {names[code]}" for code in order]
    ax.set_xticks(range(len(order)), ticks, rotation=90, fontsize=6)
    ax.set_yticks(range(len(order)), ticks, fontsize=6)
    start = 0
    for dimension in MEASURES[:-1]:
        size = sum(dimensions[code] == dimension for code in order)
        ax.add_patch(plt.Rectangle((start - 0.5, start - 0.5), size, size, fill=False, edgecolor="#333333",
                                   linewidth=1.2))
        start += size
    ax.set_title(label("fig_correlations", language), fontsize=11)
    fig.colorbar(image, ax=ax, fraction=0.035, label="r")
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig


def importance_against_weight(importance: pd.DataFrame, dimensions: dict[str, str], language: str,
                              synthetic: bool) -> Figure:
    """Each indicator's normalised first-order importance (η² share) against its nominal weight,
    with the line where influence equals weight; points coloured by dimension, labelled by code."""
    fig, ax = subplots(figsize=(6.2, 5.4))
    for dimension in MEASURES[:-1]:
        rows = importance[importance["indicator"].map(dimensions) == dimension]
        ax.scatter(rows["weight"], rows["importance_share"], s=22, color=DIMENSION_COLOURS[dimension],
                   label=label(dimension, language))
        for _, row in rows.iterrows():
            ax.annotate(row["indicator"], (row["weight"], row["importance_share"]), fontsize=6,
                        xytext=(2, 2), textcoords="offset points")
    top = 1.05 * float(max(importance["weight"].max(), importance["importance_share"].max()))
    ax.plot([0, top], [0, top], color="#777777", linewidth=0.8, linestyle="--")
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel(label("weight", language))
    ax.set_ylabel(label("importance_share", language))
    ax.set_title(label("fig_importance", language), fontsize=11)
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3)
    mark_synthetic(fig, synthetic, language)
    fig.tight_layout()
    return fig
