"""Rule export_workbook: the results in one Excel workbook with bilingual headers."""

from typing import TYPE_CHECKING

from urban_resilience.core import tables, vocabulary
from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.dynamics import sheets as dynamics_sheets
from urban_resilience.exports import outputs

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

with logged(snakemake.log[0]) as log:
    inp, out, params = snakemake.input, snakemake.output, snakemake.params
    study_area = list(params.study_area)
    columns = ["admin_code", "name_cn", "name_en", "province_en", "year", *vocabulary.MEASURES]
    every_city = read_table(inp.scores)  # the study area and the reference cities pooled with it
    study = every_city[every_city["admin_code"].isin(study_area)].reset_index(drop=True)
    scores = outputs.ranked_scores(study[columns])
    weights = read_table(inp.weights)[["code", "dimension", "name_cn", "name_en", "direction", "weight",
                                       "dimension_weight", "paper_weight"]]
    weights = weights.rename(columns={"name_cn": "indicator_cn", "name_en": "indicator_en"})
    tiers = read_table(inp.tiers)
    indicators = tables.read_indicators(inp.indicators)
    obstacles = outputs.top_obstacles(read_table(inp.ranks), indicators, study_area)
    drop = ["dataset"]
    sheets = {
        "Scores 得分": (scores, {**outputs.SCORE_FORMATS}),
        "Weights 权重": (weights, {"weight": "0.0000", "dimension_weight": "0.0000", "paper_weight": "0.0000"}),
        "Tiers 等级 (Table 2)": (outputs.tiers_table(tiers), {"reference": "0.0000", **{
            f"bound {d:+.0%}": "0.0000" for d in (-0.3, -0.1, 0.1, 0.3)}}),
        "Tiers by city 城市等级": (tiers.drop(columns=drop), {"total": "0.0000", "reference": "0.0000",
                                                          "deviation": "0.0%"}),
        "Growth 增长": (read_table(inp.growth).drop(columns=drop), {"first": "0.0000", "last": "0.0000",
                                                                  "growth_rate": "0.00%"}),
        "Primacy 首位度": (read_table(inp.primacy).drop(columns=drop), {"capital_total": "0.0000",
                                                                      "second_total": "0.0000", "primacy": "0.0000"}),
        "Dispersion 离散": (read_table(inp.dispersion).drop(columns=drop), {}),
        "Obstacles 障碍因子": (obstacles, {"obstacle": "0.00"}),
        "Data quality 数据质量": (outputs.with_names(read_table(inp.causes, keep_default_na=False).drop(columns=drop),
                                                   every_city), {}),
        "Paper 论文对照": (read_table(inp.comparison, dtype={"group": str}).drop(columns=drop),
                          {"published": "0.0000", "this_run": "0.0000", "difference": "0.0000",
                           "relative_difference": "0.0%"}),
        "Rank intervals 排名区间": (read_table(inp.intervals).drop(columns=drop), {
            "mean_abs_shift": "0.00", **{f"share_{tier}": "0%" for tier in vocabulary.TIERS}}),
        "Sensitivity 敏感性": (read_table(inp.sobol, dtype={"year": str}, keep_default_na=False).drop(columns=drop),
                            {"S1": "0.000", "S1_conf": "0.000", "ST": "0.000", "ST_conf": "0.000",
                             "variance": "0.000"}),
    }
    sheets.update(dynamics_sheets.workbook_sheets({key: inp[key] for key in dynamics_sheets.FILES}))
    outputs.write_workbook(out.workbook, sheets, dict(params.dataset), dict(params.settings))
    outputs.write_settings(out.settings, dict(params.dataset), dict(params.settings))
    log.info("%s: %d sheets", out.workbook, len(sheets) + 1)
