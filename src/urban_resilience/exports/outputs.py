"""One Excel workbook of the results, for co-authors and Excel users.

The CSVs stay plain UTF-8 at full precision for programs; this workbook is for people: bilingual
headers, frozen header rows, scores to four decimals, ranks, the paper's Table 2 layout for tiers,
the top five obstacles with indicator names, the data-quality summary and, first, a sheet stating
the dataset, the configuration and, on the demo, that the data are synthetic. Written with
openpyxl; the file is normalised afterwards (fixed timestamps) so that the same results give the
same bytes.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from urban_resilience.analysis.trends import yearly_ranks
from urban_resilience.core.tables import dataset_label
from urban_resilience.core.vocabulary import MEASURES, TIERS

HEADERS = {  # column -> bilingual header
    "admin_code": "行政区划代码 Admin code", "name_cn": "城市 City (zh)", "name_en": "城市 City",
    "province_en": "省份 Province", "year": "年份 Year", "economic": "经济韧性 Economic",
    "ecological": "生态韧性 Ecological", "social": "社会韧性 Social", "infrastructure": "基础设施韧性 Infrastructure",
    "institutional": "制度韧性 Institutional", "total": "总韧性 Total", "rank": "排名 Rank",
    "code": "指标代码 Code", "dimension": "维度 Dimension", "direction": "方向 Direction",
    "weight": "权重 Weight", "dimension_weight": "维度权重 Dimension weight", "paper_weight": "论文权重 Paper's weight",
    "reference": "参照值 Reference", "tier": "等级 Tier", "deviation": "偏离比率 Deviation",
    "indicator": "指标 Indicator", "obstacle": "障碍度 Obstacle (%)",
    "indicator_cn": "指标名称 Indicator (zh)", "indicator_en": "指标名称 Indicator",
    "nominal_rank": "本次运行排名 This run's rank", "median_rank": "排名中位数 Median rank",
    "p05_rank": "5% 分位排名 5th percentile rank", "p95_rank": "95% 分位排名 95th percentile rank",
    "mean_abs_shift": "平均排名变化 Mean absolute rank shift",
    "share_low": "低韧性占比 Share low", "share_lower-middle": "中低韧性占比 Share lower-middle",
    "share_middle": "中韧性占比 Share middle", "share_upper-middle": "中高韧性占比 Share upper-middle",
    "share_high": "高韧性占比 Share high",
    "output": "输出 Output", "input": "输入 Input", "S1": "一阶指数 S1", "S1_conf": "S1 置信半宽 ±",
    "ST": "总效应指数 ST", "ST_conf": "ST 置信半宽 ±", "variance": "方差 Variance",
    # growth, primacy
    "level": "层级 Level", "unit": "单元 Unit", "measure": "测度 Measure", "first_year": "起始年 First year",
    "last_year": "末年 Last year", "first": "起始值 First value", "last": "末值 Last value",
    "growth_rate": "年均增长率 Average annual growth", "capital": "省会 Capital",
    "capital_total": "省会总韧性 Capital's total", "second_city": "第二城市 Second city",
    "second_total": "第二城市总韧性 Second city's total", "primacy": "首位度 Primacy",
    # data quality (imputation causes)
    "cause": "原因 Cause", "field": "原始字段 Raw field", "field_year": "字段年份 Field's year", "file": "文件 File",
    "sheet": "工作表 Sheet", "cell": "单元格 Cell", "note": "说明 Note", "in_study_area": "研究区 In study area",
    # comparison with the paper
    "quantity": "量 Quantity", "group": "组 Group", "published": "论文值 Published", "this_run": "本次运行 This run",
    "difference": "差值 Difference", "relative_difference": "相对差 Relative difference",
    "location": "论文出处 Where in the paper", "description": "说明 Description", "status": "状态 Status",
    "reason": "不可比原因 Why not comparable", "comparable": "可与论文对比 Comparable with the paper",
    # dynamics: Markov chains
    "chain": "链 Chain", "condition": "条件 Condition", "from": "起始类 From class", "to": "转入类 To class",
    "count": "次数 Count", "probability": "转移概率 Transition probability", "classes": "分类方式 Classes",
    "k": "类数 Classes (k)", "LR": "似然比统计量 LR", "LR_p_value": "LR 的 p 值 LR p-value", "Q": "Q 统计量 Q",
    "Q_p_value": "Q 的 p 值 Q p-value", "dof": "自由度 Degrees of freedom", "transitions": "转移数 Transitions",
    "empty_rows": "空行数 Empty rows", "rows": "行数 Rows",
    # dynamics: convergence
    "model": "模型 Model", "form": "形式 Form", "kind": "类型 Kind", "controls": "控制变量 Controls",
    "estimator": "估计方法 Estimator", "beta": "β 系数 Beta", "beta_se": "β 标准误 Beta standard error",
    "beta_p": "β 的 p 值 Beta p-value", "spatial_parameter": "空间参数 Spatial parameter (ρ or λ)",
    "spatial_parameter_se": "空间参数标准误 Spatial parameter standard error",
    "wx_coefficient": "空间滞后自变量系数 W·x coefficient", "n": "观测数 Observations", "years": "年数 Years",
    "errors": "标准误类型 Standard errors", "speed": "收敛速度 Convergence speed",
    "speed_se": "收敛速度标准误 Speed standard error", "half_life": "半衰期（年） Half-life (years)",
    "half_life_se": "半衰期标准误 Half-life standard error", "cv": "变异系数 Coefficient of variation",
    "sd_log": "对数标准差 Standard deviation of logs", "cv_trend": "变异系数趋势 CV trend",
    "cv_trend_se": "变异系数趋势标准误 CV trend standard error", "sd_log_trend": "对数标准差趋势 SD-of-logs trend",
    "sd_log_trend_se": "对数标准差趋势标准误 SD-of-logs trend standard error",
    # dynamics: hot spots, centre of gravity, coupling coordination
    "gi_star": "Gi* 统计量 Gi*", "z": "标准化值 z", "p_sim": "伪 p 值 Pseudo p-value",
    "significant_fdr": "FDR 显著 Significant (FDR)", "hotspot": "冷热点 Hot or cold spot",
    "x": "东向坐标（米） Easting (m)", "y": "北向坐标（米） Northing (m)",
    "semi_major_km": "长半轴（千米） Semi-major axis (km)", "semi_minor_km": "短半轴（千米） Semi-minor axis (km)",
    "area_km2": "椭圆面积（平方千米） Ellipse area (km²)",
    "azimuth_major": "长轴方位角 Azimuth of the major axis", "flattening": "扁率 Flattening",
    "degenerate": "退化 Degenerate", "lon": "经度 Longitude", "lat": "纬度 Latitude",
    "shift_km": "重心移动（千米） Centre shift (km)", "shift_azimuth": "移动方位角 Shift azimuth",
    "shift_direction": "移动方向 Shift direction",
    "U_economic": "经济子系统 U economic", "U_ecological": "生态子系统 U ecological", "U_social": "社会子系统 U social",
    "U_infrastructure": "基础设施子系统 U infrastructure", "U_institutional": "制度子系统 U institutional",
    "C": "耦合度 Coupling degree C", "C_traditional": "传统耦合度 Traditional coupling degree",
    "T": "综合评价指数 Comprehensive index T", "D": "耦合协调度 Coordination degree D",
    "class": "协调等级 Coordination class", "class_cn": "协调等级（中文） Coordination class (zh)",
    # dynamics: geographical detector
    "factor": "探测因子 Factor", "method": "离散化方法 Discretisation", "strata": "分层数 Strata",
    "q": "q 统计量 q (explained share of variance)", "F": "F 统计量 F", "p": "p 值 p-value (non-central F)",
    "factor_1": "因子1 Factor 1", "factor_2": "因子2 Factor 2", "q_1": "因子1的q q of factor 1",
    "q_2": "因子2的q q of factor 2", "q_interaction": "交互q q of the overlay", "type": "交互类型 Interaction type",
    "cells": "叠加分区数 Overlay cells", "single_city_cells": "单城市分区数 Cells of one city",
}
STATISTICS = {"mean": ("均值", "mean"), "std": ("标准差", "standard deviation (ddof 1)"),
              "cv": ("变异系数", "coefficient of variation")}


def header(column: str) -> str:
    """The bilingual header of a column: :data:`HEADERS`, ``<measure>_<statistic>`` composed from the
    measure's and the statistic's names (``economic_std`` → 经济韧性 标准差 Economic standard deviation),
    ``bound ±d%`` as the tier bound r·(1 + d); any other column keeps its name (the workbook test
    fails on it: add it to :data:`HEADERS`)."""
    if column in HEADERS:
        return HEADERS[column]
    measure, _, statistic = column.rpartition("_")
    if measure in MEASURES and statistic in STATISTICS:
        measure_cn, measure_en = HEADERS[measure].split(" ", 1)
        return f"{measure_cn} {STATISTICS[statistic][0]} {measure_en} {STATISTICS[statistic][1]}"
    if column.startswith("bound "):
        return f"等级界限 r·(1 {column[6]} {column[7:]}) Tier bound {column[6:]}"
    return column
TIER_NAMES = {"low": "低韧性 Low (≤ −30 %)", "lower-middle": "中低韧性 Lower-middle (−30 %, −10 %)",
              "middle": "中韧性 Middle [−10 %, +10 %)", "upper-middle": "中高韧性 Upper-middle [+10 %, +30 %)",
              "high": "高韧性 High (≥ +30 %)"}
HEADER_FILL = "DDEBF7"  # openpyxl is imported by the functions that write the workbook: the GIS and report
WARNING = {"bold": True, "color": "B2182B", "size": 13}  # jobs import this module without needing it
FIXED_TIME = "2000-01-01T00:00:00Z"


def ranked_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores with the rank of the total within each year (1 = highest; ties share the lower rank)."""
    frame = scores.copy()
    frame["rank"] = yearly_ranks(frame)
    return frame.sort_values(["year", "rank", "admin_code"]).reset_index(drop=True)


def tiers_table(tiers: pd.DataFrame, language_column: str = "name_cn") -> pd.DataFrame:
    """The paper's Table 2 layout: per year the reference r, the four bounds r·(1 + d) at d = −30 %,
    −10 %, +10 %, +30 %, and the cities in each tier."""
    rows = []
    for year, block in tiers.groupby("year", sort=True):
        reference = float(block["reference"].iloc[0])
        row = {"year": int(year), "reference": reference}
        row.update({f"bound {d:+.0%}": reference * (1 + d) for d in (-0.3, -0.1, 0.1, 0.3)})
        for tier in TIERS:
            cities = block[block["tier"] == tier].sort_values("total", ascending=False)
            row[TIER_NAMES[tier]] = "、".join(cities[language_column].str.removesuffix("市"))
        rows.append(row)
    return pd.DataFrame(rows)


def top_obstacles(ranks: pd.DataFrame, indicators: pd.DataFrame, study_area: list[str], top: int = 5) -> pd.DataFrame:
    """The ``top`` largest obstacles of every study-area city and year, with the indicators' names."""
    names = indicators.set_index("code")
    chosen = ranks[(ranks["rank"] <= top) & ranks["admin_code"].isin(study_area)].copy()
    chosen["indicator_cn"] = chosen["indicator"].map(names["name_cn"])
    chosen["indicator_en"] = chosen["indicator"].map(names["name_en"])
    chosen["dimension"] = chosen["indicator"].map(names["dimension"])
    return chosen[["admin_code", "year", "rank", "indicator", "indicator_cn", "indicator_en", "dimension", "obstacle"]]


def with_names(frame: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the cities' ``name_cn`` and ``name_en`` (from ``names``: admin_code, name_cn,
    name_en) right after its ``admin_code``: every row named, reference cities outside the study
    area included."""
    table = names[["admin_code", "name_cn", "name_en"]].drop_duplicates("admin_code")
    named = frame.drop(columns=["name_cn", "name_en"], errors="ignore").merge(
        table, on="admin_code", how="left", validate="many_to_one")
    at = list(frame.columns).index("admin_code") + 1
    order = [*frame.columns[:at], "name_cn", "name_en", *[c for c in frame.columns[at:] if c not in table]]
    return named[order]


def write_sheet(workbook, title: str, frame: pd.DataFrame, decimals: dict[str, str]) -> None:
    """One sheet: bilingual bold header row, frozen; number formats by column; sensible widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append([header(column) for column in frame.columns])
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in frame.itertuples(index=False):
        sheet.append([None if isinstance(v, float) and v != v else v for v in row])
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        number_format = decimals.get(column)
        if number_format:
            for cell in sheet[letter][1:]:
                cell.number_format = number_format
        width = max([len(header(column)) // 2 + 2]
                    + [len(str(v)) for v in frame[column].head(200)])
        sheet.column_dimensions[letter].width = min(max(width, 8), 60)
    sheet.freeze_panes = "A2"


def about_sheet(workbook, dataset: dict, settings: dict[str, str], sheets: list[str]) -> None:
    """The first sheet: what the workbook holds, from which data and settings."""
    from openpyxl.styles import Font

    sheet = workbook.active
    sheet.title = "About 说明"
    row = 1
    if dataset.get("synthetic", False):
        sheet.cell(row=1, column=1, value="SYNTHETIC DATA — 合成演示数据，非真实统计。These numbers were computed from "
                   "the demo dataset made by the project's generator; they are not statistics of any real city.")
        sheet.cell(row=1, column=1).font = Font(**WARNING)
        row = 3
    lines = [("Dataset 数据集", dataset_label(dataset)),
             ("Method 方法", "Time-extended entropy index of urban resilience (Li, Ma & Song): 31 indicators, five "
                             "dimensions, pooled standardisation; see docs/method.md of the workflow"),
             *settings.items(),
             ("Sheets 工作表", ", ".join(sheets)),
             ("Full precision 完整精度", "the CSV files under results/ (UTF-8, 12 significant digits)")]
    for key, value in lines:
        sheet.cell(row=row, column=1, value=key).font = Font(bold=True)
        sheet.cell(row=row, column=2, value=str(value))
        row += 1
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 110


def normalise(path: Path) -> None:
    """Rewrite the .xlsx with fixed entry times and document timestamps (same results, same bytes),
    atomically: the finished file replaces ``path`` only when complete."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".xlsx")
    os.close(handle)
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(<)",
                              lambda m: m.group(1) + FIXED_TIME.encode() + m.group(3), data)
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(temporary, path)


# Chinese text needs a CJK font on the reader's machine (Windows, macOS and most desktop Linux have one;
# a bare Debian/Ubuntu: apt install fonts-noto-cjk): the first installed of these is used
PAGE_FONTS = ('"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","Hiragino Sans GB",'
              '"WenQuanYi Micro Hei",sans-serif')
PAGE_STYLE = ("body{font-family:" + PAGE_FONTS + ";font-size:13px;margin:12px}table{border-collapse:collapse}"
              "th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#eef2f6}"
              "td:first-child,th:first-child{text-align:left}caption{text-align:left;font-weight:bold;"
              "padding:6px 0}.synthetic{color:#b03a2e;font-weight:bold}")


def page(title: str, body: str, dataset: dict) -> str:
    """A small self-contained HTML page (for the report) with a title and the dataset label, the
    label in red for synthetic data."""
    label = dataset_label(dataset)
    note = f'<p class="synthetic">{label}: synthetic demo data, not real statistics.</p>' if dataset.get(
        "synthetic") else f"<p>Dataset: {label}</p>"
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{PAGE_STYLE}</style></head><body><h3>{title}</h3>{note}{body}</body></html>\n")


def table_page(frame: pd.DataFrame, title: str, dataset: dict, decimals: int = 4) -> str:
    """A table as an HTML page: floats to ``decimals`` places (the CSV keeps full precision), the
    ``dataset`` column left out (the page states it once)."""
    shown = frame.drop(columns=[c for c in ("dataset",) if c in frame.columns])
    body = shown.to_html(index=False, float_format=lambda v: f"{v:.{decimals}f}", na_rep="", border=0)
    return page(title, body, dataset)


def markdown_page(text: str, title: str, dataset: dict) -> str:
    """A Markdown text (headings, lists, pipe tables) as an HTML page."""
    import markdown  # only the report pages need it

    return page(title, markdown.markdown(text, extensions=["tables"]), dataset)


def settings_record(dataset: dict, settings: dict) -> dict[str, str]:
    """The run's settings as the report compares them: the dataset label and every setting as text."""
    return {"Dataset 数据集": dataset_label(dataset), **{key: str(value) for key, value in settings.items()}}


def write_settings(path: str | Path, dataset: dict, settings: dict) -> None:
    """The run's settings (:func:`settings_record`) as JSON beside the workbook, so that a report built
    later can say whether its config is the run's."""
    text = json.dumps(settings_record(dataset, settings), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def settings_differences(recorded: dict[str, str], current: dict[str, str]) -> list[str]:
    """``key: run X, now Y`` for every setting that differs between a run's record and the current config."""
    return [f"{key}: run {recorded.get(key, '—')}, now {current.get(key, '—')}"
            for key in sorted(set(recorded) | set(current)) if recorded.get(key) != current.get(key)]


def write_workbook(path: str | Path, sheets: dict[str, tuple[pd.DataFrame, dict[str, str]]], dataset: dict,
                   settings: dict[str, str]) -> None:
    """The workbook at ``path``: the About sheet, then one sheet per entry of ``sheets``
    (title -> (table, number formats by column))."""
    path = Path(path)
    from openpyxl import Workbook

    workbook = Workbook()
    about_sheet(workbook, dataset, settings, list(sheets))
    for title, (frame, formats) in sheets.items():
        write_sheet(workbook, title, frame, formats)
    workbook.properties.creator = "urban-resilience workflow"
    workbook.properties.title = f"Urban resilience — {dataset_label(dataset)}"
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".xlsx")
    os.close(handle)
    workbook.save(temporary)
    normalise(Path(temporary))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes files private; results are ordinary files
    os.replace(temporary, path)


SCORE_FORMATS = {m: "0.0000" for m in MEASURES}
GIS_TOLERANCE = 0.002  # degrees: about 220 m north-south, 200 m east-west at 25-35° N


def simplified_coverage(boundaries, tolerance: float = GIS_TOLERANCE):
    """The polygons simplified together as one coverage (GEOS coverage simplification: Visvalingam–
    Whyatt, removing vertices whose triangle has an area below about ``tolerance``², in degrees²):
    every border two cities share is simplified once, so neighbours still share it — no gaps, no
    overlaps (given polygons that form a coverage, as cnmaps' do; see :func:`coverage_overlap`). At
    0.002° (about 200 m) the 28 demo cities keep about a quarter of their vertices; sampling the
    PM2.5 grids uses the full polygons, only the exported layer is simplified."""
    import shapely

    simplified = boundaries.copy()
    simplified["geometry"] = shapely.coverage_simplify(boundaries.geometry.values, tolerance)
    return simplified


def coverage_overlap(polygons) -> float:
    """(Σ areas − area of the union) / Σ areas: 0 for polygons that do not overlap."""
    import shapely

    areas = float(shapely.area(polygons.geometry.values).sum())
    return (areas - float(shapely.union_all(polygons.geometry.values).area)) / areas


def gis_layers(boundaries, scores: pd.DataFrame, tiers: pd.DataFrame, ranks: pd.DataFrame,
               indicators: pd.DataFrame, years: list[int], dataset: dict, tolerance: float = GIS_TOLERANCE):
    """(wide layer, long layer) of the study-area cities in WGS84, joined on the admin code, the
    polygons simplified as one coverage at ``tolerance`` degrees (:func:`simplified_coverage`; the
    long layer repeats each polygon once per year, so full-resolution polygons made a 30 MB file
    for the 28 demo cities).

    Wide: one feature per city, for each figure year ``y`` the columns ``total_y``, the five
    dimensions ``<dimension>_y``, ``rank_y``, ``tier_y`` and ``obstacle_y`` (the largest obstacle's
    code and name) — what a choropleth in QGIS or ArcGIS needs, one attribute per map. Long: one
    feature per city and year with a ``date`` (1 July of the year) for QGIS's temporal controller.
    """
    import geopandas as gpd

    ranked = ranked_scores(scores)
    tier = tiers.set_index(["admin_code", "year"])["tier"]
    names = indicators.set_index("code")["name_cn"]
    first = ranks[ranks["rank"] == 1].set_index(["admin_code", "year"])["indicator"]
    long = ranked.assign(
        tier=[tier.get((c, y), "") for c, y in zip(ranked["admin_code"], ranked["year"])],
        top_obstacle=[f"{first.get((c, y), '')} {names.get(first.get((c, y), ''), '')}".strip()
                      for c, y in zip(ranked["admin_code"], ranked["year"])],
        date=pd.to_datetime(ranked["year"].astype(str) + "-07-01"),
        dataset=dataset_label(dataset))
    boundaries = simplified_coverage(boundaries.to_crs("EPSG:4326"), tolerance)
    shapes = boundaries[["admin_code", "geometry"]]
    long_layer = gpd.GeoDataFrame(shapes.merge(long, on="admin_code", how="inner", validate="one_to_many"),
                                  geometry="geometry", crs=boundaries.crs).to_crs("EPSG:4326")
    wide = boundaries[["admin_code", "name_cn", "name_en", "province_en", "geometry"]].copy()
    for year in years:
        block = long[long["year"] == year].set_index("admin_code")
        for column in (*MEASURES, "rank", "tier", "top_obstacle"):
            target = "obstacle" if column == "top_obstacle" else column
            wide[f"{target}_{year}"] = wide["admin_code"].map(block[column])
    wide = wide[wide["admin_code"].isin(set(long["admin_code"]))].assign(dataset=dataset_label(dataset))
    wide_layer = gpd.GeoDataFrame(wide, geometry="geometry", crs=boundaries.crs).to_crs("EPSG:4326")
    return wide_layer.sort_values("admin_code").reset_index(drop=True), long_layer.sort_values(
        ["admin_code", "year"]).reset_index(drop=True)
