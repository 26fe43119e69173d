"""The Excel workbook: hand-made tables in, read back out; the demo run's workbook."""

from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from urban_resilience.exports import outputs

from conftest import SMALL_CONFIG, run_snakemake


def test_ranks_tiers_layout_and_top_obstacles_by_hand():
    scores = pd.DataFrame({"admin_code": ["A", "B", "C", "A", "B", "C"], "year": [2003] * 3 + [2004] * 3,
                           "total": [0.2, 0.3, 0.3, 0.5, 0.1, 0.2]})
    ranked = outputs.ranked_scores(scores)
    assert ranked[["year", "admin_code", "rank"]].values.tolist() == [
        [2003, "B", 1], [2003, "C", 1], [2003, "A", 3], [2004, "A", 1], [2004, "C", 2], [2004, "B", 3]]
    tiers = pd.DataFrame({"year": 2019, "name_cn": ["武汉市", "荆门市", "鄂州市", "长沙市"], "reference": 0.1,
                          "total": [0.2, 0.05, 0.1, 0.15], "tier": ["high", "low", "middle", "high"]})
    table = outputs.tiers_table(tiers)
    assert table["bound -30%"].iloc[0] == pytest.approx(0.07) and table["bound +30%"].iloc[0] == pytest.approx(0.13)
    assert table[outputs.TIER_NAMES["high"]].iloc[0] == "武汉、长沙"  # by total, highest first
    assert table[outputs.TIER_NAMES["upper-middle"]].iloc[0] == ""
    ranks = pd.DataFrame({"admin_code": ["A"] * 3 + ["Z"], "year": 2019, "indicator": ["x2", "x1", "x3", "x1"],
                          "obstacle": [50.0, 30.0, 20.0, 99.0], "rank": [1, 2, 3, 1]})
    indicators = pd.DataFrame({"code": ["x1", "x2", "x3"], "name_cn": ["甲", "乙", "丙"], "name_en": ["a", "b", "c"],
                               "dimension": ["economic"] * 3})
    top = outputs.top_obstacles(ranks, indicators, ["A"], top=2)
    assert top[["indicator", "indicator_cn", "obstacle"]].values.tolist() == [["x2", "乙", 50.0], ["x1", "甲", 30.0]]


def test_workbook_round_trip_and_same_bytes(tmp_path):
    frame = pd.DataFrame({"admin_code": ["420100"], "name_cn": ["武汉市"], "total": [0.123456789]})
    sheets = {"Scores 得分": (frame, {"total": "0.0000"})}
    dataset = {"name": "demo", "synthetic": True}
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    outputs.write_workbook(first, sheets, dataset, {"Years 年份": "2003–2019"})
    outputs.write_workbook(second, sheets, dataset, {"Years 年份": "2003–2019"})
    assert first.read_bytes() == second.read_bytes()
    workbook = load_workbook(first)
    assert workbook.sheetnames == ["About 说明", "Scores 得分"]
    about = workbook["About 说明"]
    assert about["A1"].value.startswith("SYNTHETIC DATA") and about["A1"].font.bold
    sheet = workbook["Scores 得分"]
    assert [c.value for c in sheet[1]] == ["行政区划代码 Admin code", "城市 City (zh)", "总韧性 Total"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].value == "420100" and sheet["C2"].value == pytest.approx(0.123456789)
    assert sheet["C2"].number_format == "0.0000"
    assert oct(first.stat().st_mode & 0o777) != "0o600"


def study_scores(run: Path) -> pd.DataFrame:
    """scores.csv (every city of `cities`) reduced to the study area, which the exports show."""
    study = [str(code) for code in yaml.safe_load((run / "config.yaml").read_text(encoding="utf-8"))["study_area"]]
    scores = pd.read_csv(run / "results" / "index" / "scores.csv", dtype={"admin_code": str})
    assert set(study) < set(scores["admin_code"])
    return scores[scores["admin_code"].isin(study)]


def test_the_demo_workbook(demo_run):
    workbook = load_workbook(demo_run / "results" / "tables" / "urban_resilience.xlsx")
    assert workbook.sheetnames[0] == "About 说明" and len(workbook.sheetnames) == 22
    assert workbook.sheetnames[11:13] == ["Rank intervals 排名区间", "Sensitivity 敏感性"]
    assert workbook.sheetnames[13:] == ["Markov 马尔可夫转移", "Markov tests 马尔可夫检验", "Sigma 收敛σ", "Beta 收敛β",
                                        "Hot spots 冷热点", "Gravity 重心", "Coupling 耦合协调",
                                        "Geodetector 地理探测器", "Interaction 交互探测"]
    # the detector's tables: 5 dimensions + 31 indicators, and the 10 pairs of dimensions, per figure year
    years = len(yaml.safe_load((demo_run / "config.yaml").read_text(encoding="utf-8"))["figures"]["years"])
    assert workbook["Geodetector 地理探测器"].max_row == 1 + 36 * years
    interaction = workbook["Interaction 交互探测"]
    assert interaction.max_row == 1 + 10 * years
    csv = pd.read_csv(demo_run / "results" / "dynamics" / "geodetector_interaction.csv")
    header = [cell.value for cell in interaction[1]]
    single = header.index("单城市分区数 Cells of one city")
    assert [row[single].value for row in interaction.iter_rows(min_row=2)] == csv["single_city_cells"].tolist()
    assert workbook["Coupling 耦合协调"].max_row == 1 + 28 * 17  # a row per study-area city and year
    assert workbook["Rank intervals 排名区间"].max_row == 1 + 28 * 17
    scores = workbook["Scores 得分"]
    assert scores.max_row == 1 + 28 * 17
    first = [c.value for c in scores[2]]
    csv = study_scores(demo_run)
    best_2003 = csv[csv["year"] == 2003].sort_values("total", ascending=False).iloc[0]
    assert first[0] == best_2003["admin_code"] and first[-2] == pytest.approx(best_2003["total"]) and first[-1] == 1
    assert workbook["Weights 权重"].max_row == 32


def test_the_demo_gis_layers_join_the_scores(demo_run):
    import geopandas as gpd
    import pyogrio

    path = demo_run / "results" / "gis" / "urban_resilience.gpkg"
    assert [name for name, _ in pyogrio.list_layers(path)] == ["cities_wide", "cities_by_year"]
    wide = gpd.read_file(path, layer="cities_wide")
    long = gpd.read_file(path, layer="cities_by_year")
    scores = study_scores(demo_run)
    tiers = pd.read_csv(demo_run / "results" / "analysis" / "tiers.csv", dtype={"admin_code": str})
    assert wide.crs.to_epsg() == 4326 and long.crs.to_epsg() == 4326
    assert sorted(wide["admin_code"]) == sorted(scores["admin_code"].unique())
    last = scores[scores["year"] == 2019].set_index("admin_code")
    joined = wide.set_index("admin_code")
    assert joined["total_2019"].to_numpy() == pytest.approx(last.loc[joined.index, "total"].to_numpy())
    assert (joined["rank_2019"] == last.loc[joined.index, "total"].rank(ascending=False, method="min")).all()
    assert (joined["tier_2019"] == tiers[tiers["year"] == 2019].set_index("admin_code").loc[joined.index, "tier"]).all()
    assert joined["obstacle_2019"].str.match(r"^x\d+ \S").all()
    assert len(long) == 28 * 17 and long["date"].dt.month.eq(7).all()
    assert set(wide["dataset"]) == {"demo-synthetic (SYNTHETIC)"}
    # small enough to mail (was 29.8 MB), and the simplified cities still tile their area: no overlap,
    # the same outline and holes as the full-resolution polygons, the same pairs of neighbours
    import shapely

    assert path.stat().st_size <= 10e6
    assert outputs.coverage_overlap(wide) < 1e-9
    full = gpd.read_file(demo_run / "results" / "boundaries" / "cities.gpkg").set_index("admin_code").loc[
        wide["admin_code"]]
    union, full_union = shapely.union_all(wide.geometry.values), shapely.union_all(full.geometry.values)
    assert union.area == pytest.approx(full_union.area, rel=2e-3)
    assert shapely.get_num_interior_rings(union) == shapely.get_num_interior_rings(full_union)

    def neighbours(geometries) -> set[tuple[int, int]]:
        return {(i, j) for i in range(len(geometries)) for j in range(i + 1, len(geometries))
                if geometries[i].intersection(geometries[j]).length > 0.01}  # a shared border over ~1 km

    assert neighbours(list(wide.geometry)) == neighbours(list(full.geometry))
    assert (long.groupby("admin_code").geometry.first().loc[wide["admin_code"]].values == wide.geometry.values).all()


def test_settings_record_and_differences():
    settings = {"Years 年份": "2003–2019", "Shift 平移量": 0.0001}
    record = outputs.settings_record({"name": "demo", "synthetic": True}, settings)
    assert record == {"Dataset 数据集": "demo (SYNTHETIC)", "Years 年份": "2003–2019", "Shift 平移量": "0.0001"}
    now = {**record, "Shift 平移量": "0.001"}
    assert outputs.settings_differences(record, record) == []
    assert outputs.settings_differences(record, now) == ["Shift 平移量: run 0.0001, now 0.001"]
    assert outputs.settings_differences({}, {"Years 年份": "2018–2019"}) == ["Years 年份: run —, now 2018–2019"]


def test_a_report_built_with_another_config_says_so(small_reference, tmp_path):
    workdir = small_reference[0]
    other = tmp_path / "shift.yaml"
    other.write_text("standardisation: {shift: 0.001}\n", encoding="utf-8")
    note = "is not the one the results were made with"
    result = run_snakemake(workdir, "--report", str(tmp_path / "other.html"), *SMALL_CONFIG, str(other))
    assert result.returncode == 0, result.stderr[-2000:]
    html = (tmp_path / "other.html").read_text(encoding="utf-8")
    assert note in html and "run 0.0001, now 0.001" in html and "SYNTHETIC DATA." in html
    result = run_snakemake(workdir, "--report", str(tmp_path / "same.html"), *SMALL_CONFIG)
    assert result.returncode == 0, result.stderr[-2000:]
    assert note not in (tmp_path / "same.html").read_text(encoding="utf-8")


def test_report_pages_show_the_table_and_the_dataset():
    frame = pd.DataFrame({"city": ["武汉市", "黄石市"], "year": [2019, 2019], "total": [0.27031234, None],
                          "dataset": ["demo (SYNTHETIC)"] * 2})
    html = outputs.table_page(frame, "Scores", {"name": "demo", "synthetic": True})
    assert "<h3>Scores</h3>" in html and 'class="synthetic">demo (SYNTHETIC): synthetic demo data' in html
    assert "<td>0.2703</td>" in html and "<td>武汉市</td>" in html and "<td>2019</td>" in html
    assert ">dataset<" not in html and "nan" not in html  # the label is stated once; a gap stays empty
    assert 'font-family:"Noto Sans CJK SC",' in html and "sans-serif;" in html  # a CJK font first, if installed
    real = outputs.table_page(frame.drop(columns="dataset"), "Scores", {"name": "hubei", "synthetic": False})
    assert "<p>Dataset: hubei</p>" in real and "SYNTHETIC" not in real and "synthetic demo data" not in real
    page = outputs.markdown_page("# Data quality\n\n| cause | cells |\n|---|---|\n| blank | 3 |\n", "DQ",
                                {"name": "demo", "synthetic": True})
    assert "<h1>Data quality</h1>" in page and "<td>blank</td>" in page and "<th>cause</th>" in page


def test_gis_polygons_simplified_as_one_coverage_keep_their_shared_borders():
    """Two cities sharing a zigzag border of 200 vertices (amplitude 0.0002°, below the tolerance)
    and a third above them with a bump on its outer edge: simplified together they still tile the
    same area, with no gap or overlap, the zigzag is gone and the bump (no detail) stays."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import Polygon

    zigzag = [(1 + 0.0002 * (k % 2), k / 200) for k in range(201)]  # x ≈ 1, y from 0 to 1
    west = Polygon([(0, 0), *zigzag, (0, 1)])
    east = Polygon([(2, 0), (2, 1), *zigzag[::-1]])
    north = Polygon([(0, 1), (1, 1), (2, 1), (2, 2), (1.0, 2.3), (0, 2)])  # edge-matched
    frame = gpd.GeoDataFrame({"admin_code": ["W", "E", "N"]}, geometry=[west, east, north], crs="EPSG:4326")
    simplified = outputs.simplified_coverage(frame, 0.002)
    before = shapely.get_num_coordinates(frame.geometry.values)
    after = shapely.get_num_coordinates(simplified.geometry.values)
    assert after[:2].sum() < 0.2 * before[:2].sum() and after[2] == before[2] == 7  # the bump is no zigzag
    assert outputs.coverage_overlap(simplified) == pytest.approx(0.0, abs=1e-12)
    union = shapely.union_all(simplified.geometry.values)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no gap between the cities
    assert union.area == pytest.approx(shapely.union_all(frame.geometry.values).area, rel=1e-3)
    shared = simplified.geometry.iloc[0].intersection(simplified.geometry.iloc[1])
    assert shared.length == pytest.approx(1.0, rel=1e-3)  # still one common border, now straight
    overlapping = frame.assign(geometry=[west, east.buffer(0.01), north])
    assert outputs.coverage_overlap(overlapping) > 1e-3


def test_headers_are_bilingual_and_every_data_quality_row_is_named():
    assert outputs.header("economic_std") == "经济韧性 标准差 Economic standard deviation (ddof 1)"
    assert outputs.header("total_cv") == "总韧性 变异系数 Total coefficient of variation"
    assert outputs.header("bound -30%") == "等级界限 r·(1 - 30%) Tier bound -30%"
    assert outputs.header("weight") == "权重 Weight" and outputs.header("unheard_of") == "unheard_of"
    causes = pd.DataFrame({"admin_code": ["420500", "440100", "420500"], "year": [2011, 2005, 2012],
                           "cause": ["junk_cell"] * 3})
    names = pd.DataFrame({"admin_code": ["420500", "440100", "420500"], "name_cn": ["宜昌市", "广州市", "宜昌市"],
                          "name_en": ["Yichang", "Guangzhou", "Yichang"], "year": [2011, 2011, 2012]})
    named = outputs.with_names(causes, names)  # 广州 is a reference city, outside the study area
    assert list(named.columns) == ["admin_code", "name_cn", "name_en", "year", "cause"]
    assert named[["name_cn", "name_en"]].values.tolist() == [["宜昌市", "Yichang"], ["广州市", "Guangzhou"],
                                                             ["宜昌市", "Yichang"]]


def bilingual(text) -> bool:
    """Chinese (CJK ideographs) and English (Latin letters) in one text."""
    import re

    return bool(re.search(r"[\u4e00-\u9fff]", str(text)) and re.search(r"[A-Za-z]", str(text)))


def test_every_header_of_the_demo_workbook_is_bilingual(demo_run):
    workbook = load_workbook(demo_run / "results" / "tables" / "urban_resilience.xlsx")
    for sheet in workbook.worksheets[1:]:  # the About sheet has no header row
        assert bilingual(sheet.title), sheet.title
        headers = [cell.value for cell in sheet[1]]
        assert headers and all(bilingual(h) for h in headers), (sheet.title, [h for h in headers if not bilingual(h)])
    quality = workbook["Data quality 数据质量"]
    rows = list(quality.iter_rows(min_row=2, values_only=True))
    study = [str(c) for c in yaml.safe_load((demo_run / "config.yaml").read_text(encoding="utf-8"))["study_area"]]
    assert rows and all(row[1] and row[2] for row in rows)  # 城市 and City on every row
    assert any(row[0] not in study for row in rows)  # the demo imputes cells of reference cities too
