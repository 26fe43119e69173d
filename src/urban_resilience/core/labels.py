"""Labels of figures and tables in Chinese (zh) or English (en)."""

from __future__ import annotations

LABELS = {
    "zh": {
        "economic": "经济韧性", "ecological": "生态韧性", "social": "社会韧性", "infrastructure": "基础设施韧性",
        "institutional": "制度韧性", "total": "总韧性", "year": "年份", "mean": "均值", "score": "韧性指数",
        "density": "核密度", "study_area_mean": "研究区均值", "obstacle": "障碍度 (%)",
        "low": "低韧性", "lower-middle": "中低韧性", "middle": "中韧性", "upper-middle": "中高韧性", "high": "高韧性",
        "high-high": "高-高", "low-low": "低-低", "high-low": "高-低", "low-high": "低-高",
        "not significant": "不显著",
        "not computed": "未计算", "not_computed": "未计算：{reason}",
        "theil": "泰尔指数", "theil_between": "省际差异", "theil_within": "省内差异",
        "gini": "基尼系数", "gini_within": "组内差异", "gini_net_between": "组间净差异",
        "gini_transvariation": "超变密度",
        "fig_means": "研究区城市韧性各维度均值", "fig_maps": "城市韧性空间分布",
        "legend_score": "韧性得分（0–1，无量纲）",
        "fig_obstacles": "障碍度（{year}年）", "fig_tiers": "城市韧性等级（{year}年，参照值 {reference}）",
        "fig_lisa": "总韧性局部空间自相关（LISA，FDR 校正）", "fig_inequality": "城市韧性差异及其分解",
        "fig_cities": "各城市总韧性", "fig_kde": "城市总韧性核密度",
        "synthetic": "合成演示数据，非真实统计", "reference_study_area_mean": "研究区年均值",
        "reference_cities_mean": "全部城市年均值", "grey_mean": "灰线：研究区均值",
        "fig_reproduction": "指标权重：论文与本次运行（Spearman ρ = {rho:.2f}）", "paper_weight": "论文权重（表1）",
        "run_weight": "本次运行权重", "fig_reproduction_tiers": "{year}年等级：论文（行）与本次运行（列）",
        "paper_tier": "论文等级", "run_tier": "本次运行等级", "fig_reproduction_weights": "指标权重：论文与本次运行",
        "not_comparable": "不可比（与论文设定不同）：{reason}",
        "fig_rank_uncertainty": "方法不确定性下的城市排名（5%–95% 区间）", "rank": "排名",
        "band": "5%–95% 排名区间", "median_rank": "排名中位数", "nominal_rank": "本次运行排名",
        "S1": "一阶指数 S1", "ST": "总效应指数 ST", "sobol_index": "Sobol 指数",
        "sobol_shift": "平均排名变化（全部年份）", "sobol_ranks": "末年各城市排名（城市平均）",
        "input_weighting": "赋权方法", "input_weight_noise": "权重扰动", "input_normalisation": "标准化方法",
        "input_aggregation": "集成方法", "input_imputation": "插补方法", "input_shift": "平移量",
        "input_left_out": "剔除一个指标",
        "fig_correlations": "标准化指标的相关系数（按维度分块）", "weight": "名义权重",
        "importance_share": "一阶重要性占比（η²/Ση²）", "fig_importance": "指标对总韧性的实际影响与名义权重",
        "outside_study_area": "非研究区（如省直管县级市）", "indicator": "指标",
    },
    "en": {
        "economic": "Economic", "ecological": "Ecological", "social": "Social", "infrastructure": "Infrastructure",
        "institutional": "Institutional", "total": "Total", "year": "Year", "mean": "Mean", "score": "Resilience",
        "density": "Density", "study_area_mean": "Study-area mean", "obstacle": "Obstacle degree (%)",
        "low": "Low", "lower-middle": "Lower-middle", "middle": "Middle", "upper-middle": "Upper-middle",
        "high": "High",
        "high-high": "High-high", "low-low": "Low-low", "high-low": "High-low", "low-high": "Low-high",
        "not significant": "Not significant",
        "not computed": "Not computed", "not_computed": "not computed: {reason}",
        "theil": "Theil index", "theil_between": "Between provinces", "theil_within": "Within provinces",
        "gini": "Gini", "gini_within": "Within", "gini_net_between": "Net between",
        "gini_transvariation": "Transvariation",
        "fig_means": "Mean resilience by dimension", "fig_maps": "Spatial pattern of urban resilience",
        "legend_score": "score (0–1, no unit)",
        "fig_obstacles": "Obstacle degrees ({year})", "fig_tiers": "Resilience tiers ({year}, reference {reference})",
        "fig_lisa": "Local Moran clusters of total resilience (LISA, FDR-adjusted)",
        "fig_inequality": "Disparity of resilience and its decomposition", "fig_cities": "Total resilience by city",
        "fig_kde": "Kernel density of city totals", "synthetic": "SYNTHETIC DEMO DATA — not real statistics",
        "reference_study_area_mean": "study-area mean of the year",
        "reference_cities_mean": "mean of all cities of the year", "grey_mean": "grey line: study-area mean",
        "fig_reproduction": "Indicator weights: paper vs this run (Spearman ρ = {rho:.2f})",
        "paper_weight": "Paper's weight (Table 1)", "run_weight": "This run's weight",
        "fig_reproduction_tiers": "Tiers in {year}: paper (rows) vs this run (columns)",
        "paper_tier": "Paper's tier", "run_tier": "This run's tier",
        "fig_reproduction_weights": "Indicator weights: paper vs this run",
        "not_comparable": "not comparable: {reason}",
        "fig_rank_uncertainty": "City ranks under method uncertainty (5–95 % of samples)", "rank": "Rank",
        "band": "5–95 % rank interval", "median_rank": "Median rank", "nominal_rank": "This run's rank",
        "S1": "First order S1", "ST": "Total ST", "sobol_index": "Sobol' index",
        "sobol_shift": "Mean absolute rank shift (all years)", "sobol_ranks": "Last-year ranks (mean over cities)",
        "input_weighting": "Weighting", "input_weight_noise": "Weight noise", "input_normalisation": "Normalisation",
        "input_aggregation": "Aggregation", "input_imputation": "Imputation", "input_shift": "Shift",
        "input_left_out": "Indicator left out",
        "fig_correlations": "Correlations of the standardised indicators (dimension blocks)",
        "weight": "Nominal weight", "importance_share": "First-order importance share (η²/Ση²)",
        "fig_importance": "Influence of each indicator on the total against its weight",
        "outside_study_area": "not in the study area (e.g. county-level cities under the province)",
        "indicator": "Indicator",
    },
}


def label(key: str, language: str, **values) -> str:
    """The label ``key`` in ``language`` (falls back to the key itself), formatted with ``values``."""
    text = LABELS[language].get(key, key)
    return text.format(**values) if values else text


def with_region(title: str, region: str, language: str) -> str:
    """A figure title naming the study area: 长江中游城市群：<title> or <title> — Mid-Yangtze …;
    the title unchanged when ``region`` is empty."""
    if not region:
        return title
    return f"{region}：{title}" if language == "zh" else f"{title} — {region}"


def city_name(row, language: str) -> str:
    """Short city name: 武汉 (without 市) or Wuhan."""
    return row["name_cn"].removesuffix("市") if language == "zh" else row["name_en"].split(" (")[0]
