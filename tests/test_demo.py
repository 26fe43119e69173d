"""The synthetic demo dataset: reproducible from the generator, and its manifest tells the truth."""

import shutil

import pandas as pd
import pytest
import rasterio
from openpyxl import load_workbook

from urban_resilience import demo
from urban_resilience.demo.compare import compare_trees
from urban_resilience.demo.truth import EXTRA_CITIES, REFERENCE_CITIES

DEMO_LIMIT_BYTES = 15 * 1024 * 1024


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory, resources):
    out = tmp_path_factory.mktemp("demo")
    demo.generate(out, resources)
    return out


@pytest.fixture(scope="module")
def manifest(resources):
    return pd.read_csv(resources / "demo" / "MANIFEST.csv", dtype={"admin_code": str, "written": str},
                       keep_default_na=False)


@pytest.fixture(scope="module")
def truth(resources):
    return demo.true_values(resources).set_index(["admin_code", "year"])


def test_generator_reproduces_the_committed_files(regenerated, resources):
    assert compare_trees(resources / "demo", regenerated) == []


def test_comparison_notices_a_changed_cell_and_raster_cell(regenerated, tmp_path, resources):
    copy = tmp_path / "copy"
    shutil.copytree(regenerated, copy)
    book = copy / "yearbook" / "中国城市统计年鉴2010.xlsx"
    workbook = load_workbook(book)
    workbook.worksheets[0]["C8"] = 1.0
    workbook.save(book)
    tif = copy / "pm25" / demo.PM25_NAME.format(year=2010)
    with rasterio.open(tif, "r+") as dst:
        band = dst.read(1)
        band[10, 10] += 0.1
        dst.write(band, 1)
    assert compare_trees(resources / "demo", copy) == [
        f"pm25/{demo.PM25_NAME.format(year=2010)}: raster cells or georeferencing differ",
        "yearbook/中国城市统计年鉴2010.xlsx: cell values differ",
    ]


def test_demo_data_are_small(resources):
    size = sum(p.stat().st_size for p in (resources / "demo").rglob("*") if p.is_file())
    assert size < DEMO_LIMIT_BYTES


def test_every_edition_and_year_is_there(resources):
    books = sorted(p.name for p in (resources / "demo" / "yearbook").glob("*.xlsx"))
    assert books == [f"中国城市统计年鉴{e}.xlsx" for e in range(2003, 2021)]
    grids = sorted((resources / "demo" / "pm25").glob("*.tif"))
    assert len(grids) == 18
    with rasterio.open(grids[0]) as src:
        assert src.crs.to_epsg() == 4326 and src.nodata == -999.0
        values = src.read(1, masked=True)
    assert values.mask.any() and 15 < values.min() and values.max() < 120


def test_required_defect_kinds_are_injected(manifest):
    kinds = set(manifest["defect"])
    assert {"dash", "blank", "ellipsis", "value_error", "fullwidth_point", "comma_decimal", "text_number",
            "zero_for_missing", "space_thousands", "header_drift", "unit_drift", "former_name", "typo_name",
            "extra_sheet"} <= kinds


def test_junk_cells_show_what_the_manifest_says_and_hide_the_true_value(manifest, resources, truth):
    cells = manifest[manifest["expected"].isin(["repair", "missing"]) & (manifest["file"] != "patents.csv")]
    assert len(cells) > 100
    books = {}
    for row in cells.itertuples():
        if row.file not in books:
            books[row.file] = load_workbook(resources / "demo" / "yearbook" / row.file)
        value = books[row.file][row.sheet][row.cell].value
        assert ("" if value is None else str(value)) == row.written, (row.file, row.cell)
        assert float(row.true_value) == truth.at[(row.admin_code, int(row.data_year)), row.field]
        if row.expected == "repair":
            assert isinstance(value, str) and value != ""


def test_unit_drift_edition_prints_gdp_in_yi_yuan(resources, truth):
    sheet = load_workbook(resources / "demo" / "yearbook" / "中国城市统计年鉴2009.xlsx")["2-3 地区生产总值"]
    headers = [str(c.value) for row in sheet.iter_rows(max_row=4) for c in row if c.value]
    assert any(h.startswith(("地区生产总值(亿元)", "  地区生产总值(亿元)")) for h in headers)
    wuhan = next(r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).strip() == "武汉市")
    assert wuhan[2] * 1e4 == pytest.approx(truth.at[("420100", 2008), "gdp"])


def test_header_and_name_drift(resources):
    def first_header(edition):
        sheet = load_workbook(resources / "demo" / "yearbook" / f"中国城市统计年鉴{edition}.xlsx").worksheets[0]
        return " ".join(str(c.value) for row in sheet.iter_rows(max_row=4) for c in row if c.value)

    assert "年末总人口" in first_header(2017) and "年末户籍人口" in first_header(2018)
    assert "_x000D_" in first_header(2018) and "_x000D_" not in first_header(2010)
    names = [str(r[0].value).strip() for r in
             load_workbook(resources / "demo" / "yearbook" / "中国城市统计年鉴2011.xlsx").worksheets[0].iter_rows()
             if r[0].value]
    assert "襄樊市" in names and "株州市" in names and "襄阳市" not in names


def test_truth_is_plausible(truth):
    wuhan, loudi = truth.loc["420100"], truth.loc["431300"]
    assert 700 < wuhan.at[2010, "pop"] < 900 and 350 < loudi.at[2010, "pop"] < 450
    study = truth[~truth.index.get_level_values("admin_code").isin(REFERENCE_AND_EXTRA)]
    gdp_per_capita = (study["gdp"] / study["pop"]).unstack("year")
    assert 40_000 < gdp_per_capita[2019].median() < 70_000
    assert gdp_per_capita[2019].median() > 1.5 * gdp_per_capita[2003].median()  # growth
    assert gdp_per_capita[2019].idxmax() == "420100"
    assert (truth["solid_waste_util_rate"] <= 100).all() and (truth.drop(columns="land_area") >= 0).all().all()
    assert ((truth["industry_va"] + truth["tertiary_va"]) < truth["gdp"]).all()
    patents_per_capita = (study["patents"] / study["pop"]).xs(2019, level="year")
    assert patents_per_capita.max() / patents_per_capita.median() > 3  # skewed, as in real data
    # the national leaders pooled with the study cities are ahead of every study city
    leaders = (truth["patents"] / truth["pop"]).xs(2019, level="year").loc[sorted(REFERENCE_CITIES)]
    assert leaders.max() > 3 * patents_per_capita.max()


REFERENCE_AND_EXTRA = sorted({**REFERENCE_CITIES, **EXTRA_CITIES})


def test_check_command_exits_zero_on_committed_data(resources):
    from urban_resilience.demo.__main__ import main

    assert main(["--resources", str(resources), "--check"]) == 0


def test_calibration_emulates_the_workflow_index(resources):
    """The fit's emulation of weights and scores equals the workflow's own index functions."""
    from urban_resilience.demo import calibrate
    from urban_resilience.index import composite

    problem = calibrate.Problem(resources)
    out = problem.emulate(problem.start())
    codes = list(problem.indicators["code"]) + list(calibrate.FIXED)
    x = out["x_pooled"]  # indicators × pooled cities × years
    cells = pd.MultiIndex.from_product([problem.codes, calibrate.YEARS], names=["admin_code", "year"])
    standardised = pd.DataFrame(x.reshape(len(codes), -1).T, index=cells, columns=codes)
    weights = composite.entropy_weights(standardised, calibrate.SHIFT)["weight"]
    assert weights.to_numpy() == pytest.approx(out["weights"].reindex(weights.index).to_numpy(), rel=1e-12)
    dimensions = dict(zip(problem.indicators["code"], problem.indicators["dimension"]))
    dimensions.update({"x7": "ecological", "x14": "social", "x26": "infrastructure"})
    yearly = pd.DataFrame([(year, code, w) for year in calibrate.YEARS for code, w in weights.items()],
                          columns=["year", "indicator", "weight"])
    scores = composite.scores(standardised, yearly, dimensions)
    study = scores.loc[problem.study_codes]
    assert study["total"].unstack("year").to_numpy() == pytest.approx(out["total"], rel=1e-12)
    assert sorted(problem.codes) == problem.codes and len(problem.study_codes) == 28 and len(problem.codes) == 34


def test_the_generated_truth_has_the_calibrated_standardised_values(resources):
    """The generator's indicator values, range-standardised over the pooled cities 2003-2019, are
    the x' the calibration emulated (the fit describes the data the demo really contains)."""
    from urban_resilience.demo import calibrate, model
    from urban_resilience.demo import truth as truth_module

    problem = calibrate.Problem(resources)
    calibration = model.load_calibration()
    out = problem.emulate(problem.pack(calibration))
    codes = list(problem.indicators["code"])
    strength = {**calibration["strength"], **{c: e["strength"] for c, e in truth_module.EXTRA_CITIES.items()}}
    values = truth_module.indicator_panel(problem.codes, problem.study_codes, problem.codes, strength)
    values = values[values.index.get_level_values("year") >= 2003]
    low, high = values.min(), values.max()
    for j, code in enumerate(codes):
        x = (values[code] - low[code]) / (high[code] - low[code])
        if problem.directions[j] == "-":
            x = 1 - x
        emulated = out["x_pooled"][j].reshape(-1)  # cities × years, city-major like the panel
        assert x.to_numpy() == pytest.approx(emulated, abs=1e-9), code
    totals = dict(zip(problem.study_codes, out["total"][:, -1]))
    assert {c: round(float(v), 4) for c, v in totals.items()} == calibration["fit"]["totals_2019"]
