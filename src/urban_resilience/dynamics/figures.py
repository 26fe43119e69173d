"""Figures of the dynamics stage, built on matplotlib Figures outside pyplot's state (the rule
scripts register the fonts and save with the project's fixed metadata)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from urban_resilience.core.labels import label

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
