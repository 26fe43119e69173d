"""Figures of the dynamics stage, built on matplotlib Figures outside pyplot's state (the rule
scripts register the fonts and save with the project's fixed metadata)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from urban_resilience.core.labels import label
from urban_resilience.dynamics import coupling

# the colours of the dimension figures (figures/plots.py), repeated: this stage does not import figures
COLOURS = {"economic": "#1b9e77", "ecological": "#66a61e", "social": "#7570b3", "infrastructure": "#d95f02",
           "institutional": "#e7298a", "total": "#333333"}

TITLES = {
    "zh": {"classic": "全部城市", "neighbours": "邻域 {name}", "from": "期初类型", "to": "期末类型",
           "markov": "{measure}类型转移概率（左：传统马尔可夫；右：按邻域类型条件的空间马尔可夫）"},
    "en": {"classic": "all cities", "neighbours": "neighbours {name}", "from": "class in year t",
           "to": "class in year t + 1",
           "markov": "Transition probabilities of the {measure} "
                     "(left: classic; right: conditioned on the neighbours' class)"},
}


def title(key: str, language: str, **values) -> str:
    """A title of these figures in ``language`` (zh or en)."""
    return TITLES["zh" if language == "zh" else "en"][key].format(**values)


def transition_heatmaps(transitions: pd.DataFrame, measure: str, language: str) -> Figure:
    """Transition probability heat maps of one measure: the classic chain, then one panel per
    neighbour class of the spatial chain. Each cell shows p_ij and, below it, the count n_ij; rows
    without transitions are left grey (no estimate)."""
    frame = transitions[(transitions["measure"] == measure) & transitions["chain"].isin(["classic", "spatial"])]
    conditions = list(dict.fromkeys(frame["condition"]))
    labels = list(dict.fromkeys(frame["from"]))
    k = len(labels)
    fig = Figure(figsize=(3.0 * len(conditions) + 0.8, 3.6))
    axes = fig.subplots(1, len(conditions), squeeze=False)[0]
    names = [label(name, language) for name in labels]
    for ax, condition in zip(axes, conditions):
        block = frame[frame["condition"] == condition]
        p = block["probability"].to_numpy(dtype=float).reshape(k, k)
        n = block["count"].to_numpy(dtype=int).reshape(k, k)
        image = np.ma.masked_invalid(p)
        ax.imshow(image, cmap="Blues", vmin=0, vmax=1)
        ax.set_facecolor("#dddddd")
        for i in range(k):
            for j in range(k):
                if np.isfinite(p[i, j]):
                    ax.text(j, i, f"{p[i, j]:.2f}\n({n[i, j]})", ha="center", va="center", fontsize=5.5,
                            color="white" if p[i, j] > 0.6 else "black")
        ax.set_xticks(range(k), names, rotation=60, fontsize=6)
        ax.set_yticks(range(k), names, fontsize=6)
        heading = (title("classic", language) if condition == "all cities"
                   else title("neighbours", language, name=label(condition.removeprefix("neighbours "), language)))
        ax.set_title(heading, fontsize=8)
        ax.set_xlabel(title("to", language), fontsize=7)
    axes[0].set_ylabel(title("from", language), fontsize=7)
    fig.suptitle(title("markov", language, measure=label(measure, language)), fontsize=9)
    fig.tight_layout()
    return fig


TITLES["zh"].update({"sigma": "σ收敛：变异系数", "beta": "β收敛：{measure}", "initial": "期初对数 ln x0",
                     "growth": "对数增长 ln(xT/x0)", "fit": "β = {beta:.3f} (se {se:.3f})"})
TITLES["en"].update({"sigma": "σ convergence: coefficient of variation", "beta": "β convergence: {measure}",
                     "initial": "initial level ln x0", "growth": "growth ln(xT/x0)",
                     "fit": "β = {beta:.3f} (se {se:.3f})"})


def convergence(sigma: pd.DataFrame, beta: pd.DataFrame, scores: pd.DataFrame, language: str) -> Figure:
    """Left: CV across cities per year of every measure (σ convergence when it falls). Right:
    growth over the period against the initial log level of the total, with the cross-section
    absolute β line (β < 0: catching up)."""
    fig = Figure(figsize=(10.0, 4.0))
    left, right = fig.subplots(1, 2)
    for measure, block in sigma.groupby("measure", sort=False):
        left.plot(block["year"], block["cv"], marker="o", markersize=2.5, linewidth=1.2,
                  color=COLOURS.get(measure, "#333333"), label=label(measure, language))
    left.set_title(title("sigma", language), fontsize=9)
    left.set_xlabel(label("year", language), fontsize=8)
    left.legend(fontsize=7, frameon=False)
    measure = "total" if "total" in set(beta["measure"]) else str(beta["measure"].iloc[0])
    table = scores.pivot(index="admin_code", columns="year", values=measure)
    initial = np.log(table[table.columns.min()].to_numpy(dtype=float))
    growth = np.log(table[table.columns.max()].to_numpy(dtype=float)) - initial
    right.scatter(initial, growth, s=12, color=COLOURS.get(measure, "#333333"))
    row = beta[(beta["measure"] == measure) & (beta["model"] == "cross-section absolute")].iloc[0]
    grid = np.linspace(initial.min(), initial.max(), 50)
    intercept = growth.mean() - row["beta"] * initial.mean()  # the OLS line passes through the means
    right.plot(grid, intercept + row["beta"] * grid, color="#b2182b", linewidth=1.2,
               label=title("fit", language, beta=row["beta"], se=row["beta_se"]))
    right.set_title(title("beta", language, measure=label(measure, language)), fontsize=9)
    right.set_xlabel(title("initial", language), fontsize=8)
    right.set_ylabel(title("growth", language), fontsize=8)
    right.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


TITLES["zh"].update({"gravity": "{measure}重心迁移与标准差椭圆（等积投影）", "km": "km"})
TITLES["en"].update({"gravity": "Centre of gravity and standard deviational ellipse of the {measure} (equal-area)",
                     "km": "km"})


def gravity_migration(boundaries, gravity: pd.DataFrame, measure: str, language: str) -> Figure:
    """The study-area map (projected, metres) with the centre of gravity's yearly path and the
    standard deviational ellipses of the first and last year; an inset zooms on the path, which
    moves by kilometres across a map of hundreds."""
    from matplotlib.patches import Ellipse

    fig = Figure(figsize=(10.0, 5.0))
    overview, zoom = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1.0]})
    gravity = gravity.sort_values("year")
    ends = gravity.iloc[[0, -1]]
    for ax in (overview, zoom):
        boundaries.plot(ax=ax, color="#f2f2f2", edgecolor="#bbbbbb", linewidth=0.4)
        ax.plot(gravity["x"], gravity["y"], color="#b2182b", linewidth=1.0, marker="o", markersize=2.5)
    colours = ("#2c7bb6", "#d7191c")
    for colour, row in zip(colours, ends.itertuples()):
        overview.add_patch(Ellipse((row.x, row.y), 2000 * row.semi_major_km, 2000 * row.semi_minor_km,
                                   angle=90.0 - row.azimuth_major, fill=False, edgecolor=colour, linewidth=1.3,
                                   label=str(row.year)))
        zoom.annotate(str(row.year), (row.x, row.y), fontsize=7, color=colour, xytext=(3, 3),
                      textcoords="offset points")
    overview.legend(fontsize=7, frameon=False, loc="lower left")
    span = max(gravity["x"].max() - gravity["x"].min(), gravity["y"].max() - gravity["y"].min(), 2000.0)
    middle_x, middle_y = gravity["x"].mean(), gravity["y"].mean()
    zoom.set_xlim(middle_x - 0.8 * span, middle_x + 0.8 * span)
    zoom.set_ylim(middle_y - 0.8 * span, middle_y + 0.8 * span)
    zoom.set_aspect("equal")
    scale = round(span / 2000.0, 1) or 0.5  # a scale bar of about half the path, in km
    zoom.plot([middle_x - 0.7 * span, middle_x - 0.7 * span + scale * 1000], [middle_y - 0.7 * span] * 2,
              color="black", linewidth=2)
    zoom.text(middle_x - 0.7 * span, middle_y - 0.65 * span, f"{scale:g} {title('km', language)}", fontsize=7)
    for ax in (overview, zoom):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
    fig.suptitle(title("gravity", language, measure=label(measure, language)), fontsize=10)
    fig.tight_layout()
    return fig


HOTSPOT_COLOURS = {"hot spot": "#d7191c", "cold spot": "#2c7bb6", "not significant": "#eeeeee",
                   "not computed": "#ffffff"}
HOTSPOT_NAMES_ZH = {"hot spot": "热点", "cold spot": "冷点", "not significant": "不显著", "not computed": "未计算"}
TITLES["zh"].update({"hotspots": "{measure}冷热点（Getis-Ord Gi*，FDR）",
                     "coupling": "五维韧性耦合协调等级（修正耦合度模型）"})
TITLES["en"].update({"hotspots": "Hot and cold spots of the {measure} (Getis-Ord Gi*, FDR)",
                     "coupling": "Coupling coordination of the five dimensions (modified model)"})


def hotspot_classes(hotspots: pd.DataFrame, measure: str, language: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The Gi* table of one measure with its class column ``hotspot`` ready to map, and the
    colour of each class. Every "not computed (reason)" becomes the one class "not computed"; in
    Chinese the class names are translated, since the legend shows them as they are."""
    table = hotspots[hotspots["measure"] == measure]
    table = table.assign(hotspot=table["hotspot"].where(~table["hotspot"].str.startswith("not computed"),
                                                        "not computed"))
    if language != "zh":
        return table, dict(HOTSPOT_COLOURS)
    table = table.assign(hotspot=table["hotspot"].map(HOTSPOT_NAMES_ZH))
    return table, {HOTSPOT_NAMES_ZH[name]: colour for name, colour in HOTSPOT_COLOURS.items()}


def coupling_classes(coupling_table: pd.DataFrame, years: list[int], language: str) -> tuple[str, dict[str, str]]:
    """The column of the coordination class to map (``class_cn`` in Chinese, ``class`` otherwise)
    and the colour of each of the 10 classes (extreme imbalance to high-quality coordination, red
    to green) that occurs in ``years``: the legend lists the classes on the map."""
    column = "class_cn" if language == "zh" else "class"
    names = coupling.CLASSES_CN if language == "zh" else coupling.CLASSES
    palette = colormaps["RdYlGn"].resampled(len(names))
    colours = {name: "#%02x%02x%02x" % tuple(int(255 * v) for v in palette(i)[:3]) for i, name in enumerate(names)}
    present = set(coupling_table.loc[coupling_table["year"].isin(years), column])
    return column, {name: colour for name, colour in colours.items() if name in present}
