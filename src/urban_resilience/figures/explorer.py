"""The explorer: one self-contained HTML page to look at the results instead of reading them.

The page holds plotly.js (inlined, so it opens offline: no CDN, no server, no tile service), the
study area's polygons as GeoJSON and one JSON payload; ``explorer.js`` (beside this module) draws it
with plotly:

- a choropleth of any measure (total and the five dimensions) in any year, with a year slider and
  a play button; classes and colours as in the maps (Fisher–Jenks breaks pooled over all years,
  or the user's ``figures.breaks``; YlGnBu); hovering shows city, value, rank and tier;
- a click on a city opens its profile: the six measures over the years, its rank with the 5–95 %
  interval of the robustness stage, its tier history, its top obstacle factors by year and the
  data-quality notes of its imputed cells; a second city can be put beside it;
- Chinese and English labels (a toggle; the footer's dataset and run settings too), a red banner
  on synthetic data; every chart's title sits below plotly's toolbar (modebar), never under it.

Ranks are the ranks of the total within the study area in each year (1 = highest; ties share the
best rank), the rule of ``analysis.trends.yearly_ranks``, recomputed here from the scores.
"""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files

import numpy as np
import pandas as pd

from urban_resilience.core.labels import LABELS
from urban_resilience.core.vocabulary import DIMENSIONS, MEASURES, TIERS
from urban_resilience.figures.plots import DIMENSION_COLOURS, class_breaks, for_drawing

GEOMETRY_TOLERANCE = 0.01  # degrees (about 1 km), coverage simplification as for the printed maps
MAP_DETAIL = 2000  # simplification steps across the study area's extent: >= 4 per pixel of the ~450 px map
COORDINATE_DECIMALS = 4  # about 10 m: finer than the simplification
PALETTE = "YlGnBu"
TOP_OBSTACLES = 5


def class_colours(count: int) -> list[str]:
    """``count`` colours of the maps' palette, lightest first (matplotlib's resampled YlGnBu)."""
    import matplotlib
    from matplotlib.colors import to_hex

    cmap = matplotlib.colormaps[PALETTE].resampled(count)
    return [to_hex(cmap(i)) for i in range(count)]


def breaks_by_measure(scores: pd.DataFrame, classes: int, user_breaks: dict) -> dict[str, list[float]]:
    """Upper class bounds of every measure, pooled over all years (as ``figures.classification: pooled``)."""
    return {m: [float(b) for b in class_breaks(scores[m], classes, user_breaks.get(m))] for m in MEASURES}


def study_ranks(scores: pd.DataFrame) -> pd.Series:
    """Rank of the total within each year (1 = highest; equal totals share the best rank)."""
    return scores.groupby("year")["total"].rank(ascending=False, method="min").astype(int)


def drawing_tolerance(bounds, detail: int = MAP_DETAIL, floor: float = GEOMETRY_TOLERANCE) -> float:
    """Simplification tolerance in degrees for a study area of ``bounds`` (minx, miny, maxx, maxy):
    ``max(floor, max(maxx - minx, maxy - miny) / detail)``. A city-region keeps the maps' 0.01°; the
    whole country (about 62° wide) gets about 0.03°, still a quarter of a pixel on the page's map,
    which keeps the page's polygons from growing with the area's size (2.1 → 0.8 MB for 337 cities)."""
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    return max(floor, max(maxx - minx, maxy - miny) / detail)


def geojson(boundaries, tolerance: float | None = None) -> dict:
    """The study area's polygons (coverage-simplified, rounded coordinates), ``admin_code`` as id.
    ``tolerance`` defaults to ``drawing_tolerance`` of the polygons' extent."""
    import shapely

    if tolerance is None:
        tolerance = drawing_tolerance(boundaries.total_bounds)
    drawn = for_drawing(boundaries, tolerance)
    drawn["geometry"] = shapely.set_precision(drawn.geometry.values, 10.0 ** -COORDINATE_DECIMALS)
    features = [{"type": "Feature", "id": row.admin_code, "properties": {"admin_code": row.admin_code},
                 "geometry": shapely.geometry.mapping(row.geometry)}
                for row in drawn.sort_values("admin_code").itertuples()]
    return json.loads(json.dumps({"type": "FeatureCollection", "features": features}))


def city_table(scores: pd.DataFrame) -> list[dict]:
    """Code, names and province of every city, by code."""
    first = scores.drop_duplicates("admin_code").sort_values("admin_code")
    return [{"code": r.admin_code, "zh": r.name_cn, "en": r.name_en, "province_zh": r.province_cn,
             "province_en": r.province_en} for r in first.itertuples()]


def series(frame: pd.DataFrame, column: str, digits: int | None = None) -> dict[str, dict[str, object]]:
    """``{year: {code: value}}`` of one column (rounded to ``digits`` if given; NaN → None)."""
    out: dict[str, dict[str, object]] = {}
    for row in frame[["year", "admin_code", column]].itertuples(index=False):
        value = row[2]
        if isinstance(value, float | np.floating):
            value = None if np.isnan(value) else (round(float(value), digits) if digits is not None else float(value))
        elif isinstance(value, np.integer):
            value = int(value)
        out.setdefault(str(int(row[0])), {})[row[1]] = value
    return out


def obstacle_tops(ranks: pd.DataFrame, top: int = TOP_OBSTACLES) -> dict:
    """``{code: {year: [[indicator, obstacle %], …]}}``, the ``top`` factors (names: ``indicator_names``)."""
    chosen = ranks[ranks["rank"] <= top].sort_values(["admin_code", "year", "rank", "indicator"])
    out: dict[str, dict[str, list]] = {}
    for row in chosen.itertuples(index=False):
        out.setdefault(row.admin_code, {}).setdefault(str(int(row.year)), []).append(
            [row.indicator, round(float(row.obstacle), 2)])
    return out


def indicator_names(indicators: pd.DataFrame, codes) -> dict[str, list[str]]:
    """``{indicator: [name_zh, name_en]}`` of ``codes`` (the code itself where the table has no name),
    once per page rather than once per city and year."""
    names = {r.code: [r.name_cn, r.name_en] for r in indicators.itertuples()}
    return {code: names.get(code, [code, code]) for code in sorted(set(codes))}


def quality_notes(causes: pd.DataFrame) -> dict[str, list[dict]]:
    """``{code: [{year, indicator, cause, field, where, note}, …]}`` of every imputed cell's cause."""
    out: dict[str, list[dict]] = {}
    for row in causes.sort_values(["admin_code", "year", "indicator"]).itertuples(index=False):
        where = " ".join(str(x) for x in (row.file, row.sheet, row.cell) if isinstance(x, str) and x)
        out.setdefault(row.admin_code, []).append({"year": int(row.year), "indicator": row.indicator,
                                                   "cause": row.cause, "field": str(row.field), "where": where,
                                                   "note": str(row.note)})
    return out


def payload(scores: pd.DataFrame, tiers: pd.DataFrame, intervals: pd.DataFrame, ranks: pd.DataFrame,
            indicators: pd.DataFrame, causes: pd.DataFrame, classes: int, user_breaks: dict, dataset: dict,
            settings: dict[str, str]) -> dict:
    """Everything the page shows, as JSON-ready data (scores of the study area only)."""
    scores = scores.sort_values(["year", "admin_code"]).reset_index(drop=True)
    scores = scores.assign(rank=study_ranks(scores))
    breaks = breaks_by_measure(scores, classes, user_breaks)
    ranks = ranks[ranks["admin_code"].isin(set(scores["admin_code"]))]
    tops = obstacle_tops(ranks)
    intervals = intervals[intervals["admin_code"].isin(set(scores["admin_code"]))]
    return {
        "dataset": {"name": dataset["name"], "synthetic": bool(dataset["synthetic"])},
        "settings": settings_by_language(settings),
        "measures": list(MEASURES), "dimensions": list(DIMENSIONS), "tiers": list(TIERS),
        "years": sorted(int(y) for y in scores["year"].unique()),
        "cities": city_table(scores),
        "values": {m: series(scores, m) for m in MEASURES},
        "rank": series(scores, "rank"),
        "tier": series(tiers, "tier"),
        "interval": {c: series(intervals, c) for c in ("p05_rank", "median_rank", "p95_rank")},
        "breaks": breaks, "colours": {m: class_colours(len(b)) for m, b in breaks.items()},
        "line_colours": DIMENSION_COLOURS,  # as in the figures
        "obstacles": tops,
        "indicator_names": indicator_names(indicators, [t[0] for c in tops.values() for y in c.values() for t in y]),
        "notes": quality_notes(causes[causes["admin_code"].isin(set(scores["admin_code"]))]),
        "labels": {language: explorer_labels(language) for language in ("zh", "en")},
    }


def settings_by_language(settings: dict) -> dict[str, list[list[str]]]:
    """The run settings (bilingual keys such as ``Years 年份``, as in the workbook's About sheet) in
    each language, in their order: ``{"zh": [["年份", …], …], "en": [["Years", …], …]}``; a key
    without Chinese keeps its text in both. Values are the config's values, as text; the
    interpolation's words are Chinese in zh (``linear, ends nearest_trend, longest gap 3`` →
    ``linear，端点 nearest_trend，最长缺口 3 年``)."""
    out: dict[str, list[list[str]]] = {"zh": [], "en": []}
    for key, value in settings.items():
        match = re.match(r"^(.*?)\s*([\u3400-\u9fff].*)$", str(key))
        english, chinese = (match.group(1) or match.group(2), match.group(2)) if match else (str(key), str(key))
        text = str(value)
        out["en"].append([english, text])
        words = re.match(r"^(\w+), ends (\w+), longest gap (\d+)$", text)
        out["zh"].append([chinese, f"{words[1]}，端点 {words[2]}，最长缺口 {words[3]} 年" if words else text])
    return out


def explorer_labels(language: str) -> dict[str, str]:
    """The page's words in ``language``: the measures and tiers of the maps, and the page's own."""
    own = {
        "zh": {"title": "城市韧性浏览器", "measure": "指标", "year": "年份", "play": "播放", "pause": "暂停",
               "value": "得分", "rank": "排名", "tier": "等级", "profile": "城市概况", "compare": "对比城市",
               "none": "（无）", "click_hint": "点击地图上的城市查看其概况。", "interval": "排名 5%–95% 区间",
               "obstacles": "主要障碍因子（障碍度 %）", "notes": "插补单元格的数据质量说明",
               "no_notes": "无插补单元格。", "synthetic_banner": "合成演示数据，非真实统计，仅用于演示",
               "dataset": "数据集", "settings": "运行设置", "language": "English", "tier_history": "等级变化",
               "median": "中位数", "measures_over_time": "各维度得分", "cause": "原因", "colon": "："},
        "en": {"title": "Urban resilience explorer", "measure": "Measure", "year": "Year", "play": "Play",
               "pause": "Pause", "value": "Score", "rank": "Rank", "tier": "Tier", "profile": "City profile",
               "compare": "Compare with", "none": "(none)", "click_hint": "Click a city on the map to see its profile.",
               "interval": "Rank, 5–95 % interval", "obstacles": "Top obstacle factors (obstacle degree %)",
               "notes": "Data-quality notes of imputed cells", "no_notes": "No imputed cells.",
               "synthetic_banner": "SYNTHETIC demo data, not statistics of any real city",
               "dataset": "Dataset", "settings": "Run settings", "language": "中文", "tier_history": "Tier history",
               "median": "median", "measures_over_time": "Scores over the years", "cause": "cause",
               "colon": ": "},
    }[language]
    words = {key: LABELS[language][key] for key in (*MEASURES, *TIERS)}
    return {**words, **own}


def font_face(text: str) -> str:
    """CSS @font-face with the Noto Sans CJK SC glyphs of ``text`` only (a subset of the font the
    figures use, base64 in the page), so the page reads the same on a machine without CJK fonts."""
    import base64
    import io

    from fontTools import subset
    from fontTools.ttLib import TTCollection

    from urban_resilience.figures.plots import CJK_FAMILY, cjk_font_path

    collection = TTCollection(str(cjk_font_path()))
    font = next(f for f in collection.fonts if CJK_FAMILY in {r.toUnicode() for r in f["name"].names if r.nameID == 1})
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline = ["*"], ["*"], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text) | set(" 0123456789.–-%(),:·"))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.recalcTimestamp = False  # keep the font's own 'head' dates: same text, same bytes
    font.save(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f"@font-face{{font-family:\"Explorer CJK\";src:url(data:font/otf;base64,{encoded}) format(\"opentype\");}}"
            "body{font-family:\"Explorer CJK\",sans-serif;}")


def page(data: dict, shapes: dict, plotly_js: str) -> str:
    """The HTML page: plotly.js, the page's script and style, the data, in one file."""
    here = files("urban_resilience.figures")
    script = here.joinpath("explorer.js").read_text(encoding="utf-8")
    blob = json.dumps({"data": data, "shapes": shapes}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    style = here.joinpath("explorer.css").read_text(encoding="utf-8") + font_face(blob)
    blob = blob.replace("</", "<\\/")  # never close the script element early
    title = html.escape(data["labels"]["zh"]["title"] + " · " + data["dataset"]["name"])
    body = ('<div id="banner" hidden></div>\n<header><h1 id="title"></h1><button id="language"></button></header>\n'
            '<main><section id="mapbox"><label id="measure-label" for="measure"></label> <select id="measure">'
            '</select><div id="map"></div></section>\n<section id="profiles"><p id="hint"></p>'
            '<label id="compare-label" for="compare"></label> <select id="compare"></select>'
            '<div id="profile-a" class="profile"></div><div id="profile-b" class="profile"></div>'
            '</section></main>\n<footer id="footer"></footer>\n')
    return (f"<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n"
            f"<style>{style}</style>\n<script>{plotly_js}</script>\n</head>\n<body>\n{body}"
            f"<script id=\"explorer-data\" type=\"application/json\">{blob}</script>\n<script>{script}</script>\n"
            "</body>\n</html>\n")
