"""Rule render_report_pages: key tables and the data-quality summary as HTML pages for the report."""

from typing import TYPE_CHECKING

from urban_resilience.core.io import read_table
from urban_resilience.core.logs import logged
from urban_resilience.exports import outputs

if TYPE_CHECKING:  # Snakemake injects `snakemake` when it runs this script
    from snakemake.iocontainers import Snakemake

    snakemake: Snakemake = ...

TITLES = {
    "weights": "Indicator weights 指标权重", "means": "Mean scores by year 年均韧性",
    "growth": "Average annual growth rates 年均增长率", "dispersion": "Dispersion by year 离散程度",
    "primacy": "Primacy 韧性首位度", "tiers": "Tiers 韧性等级", "comparison": "This run beside the paper 与论文对比",
    "by_indicator": "Coverage by indicator 指标覆盖率", "by_city": "Coverage by city 城市覆盖率",
    "intervals": "Rank intervals under method uncertainty 排名不确定性区间",
    "shifts": "Mean absolute rank shift 平均排名变化", "sobol": "Sobol' sensitivity indices Sobol 敏感性指数",
    "consistency": "Internal consistency by dimension 维度内部一致性",
    "correlations": "Correlations with dimension and total 指标与维度、总指数的相关",
    "distributions": "Skewness and kurtosis 偏度与峰度",
    "importance": "Importance against weight 指标重要性与权重",
}

with logged(snakemake.log[0]) as log:
    inp, out, dataset = snakemake.input, snakemake.output, dict(snakemake.params.dataset)
    for name, title in TITLES.items():
        text = outputs.table_page(read_table(inp[name]), title, dataset)
        with open(out[name], "w", encoding="utf-8") as handle:
            handle.write(text)
    with open(inp.quality, encoding="utf-8") as handle:
        page = outputs.markdown_page(handle.read(), "Data quality 数据质量", dataset)
    with open(out.quality, "w", encoding="utf-8") as handle:
        handle.write(page)
    log.info("%d report pages written", len(TITLES) + 1)
