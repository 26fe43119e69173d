"""Write the demo's true raw fields as compiled city-year panels, in the forms researchers hold them.

The values are the same truth the demo yearbooks are printed from (:func:`urban_resilience.demo.true_values`,
rounded as the yearbooks print them), without the yearbooks' injected defects. Four forms, each with
the quirks of circulated panels:

- ``long_csv``: ``panel_long.csv``, UTF-8 with BOM and CRLF line ends, one row per city, year and
  indicator (年份, 行政区划代码 as a float such as ``420100.0``, 地区, 指标, 口径, 数值, 单位); GDP
  in 亿元 instead of the yearbooks' 万元;
- ``wide_csv``: ``panel_wide.csv``, keyed by Chinese city name only (without 市 for some cities,
  襄樊市 before 2011), one column per field with Chinese headers ``名称(单位)`` and a scope suffix
  ``_全市``/``_市辖区`` where a header names fields of both scopes, plus columns that map to no
  field (land area, GDP of the districts) and the demo mark column;
- ``wide_xlsx``: ``panel_wide.xlsx``, 4-digit codes (``4201``), ``year``, headers as Stata leaves
  them after dropping parentheses (``地区生产总值万元``) and ``.市辖区`` suffixes;
- ``dta``: ``panel.dta``, Stata 118, ASCII variable names (``gdp_wc``, ``pop_duc``) with Chinese
  variable labels, city code as a float.

All SYNTHETIC. Only written on request (tests write them into temporary folders).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from urban_resilience.core import tables
from urban_resilience.demo.truth import EXTRA_CITIES
from urban_resilience.gate.inputs import DEMO_COLUMN, DEMO_MARK

FORMS = {"long_csv": "panel_long.csv", "wide_csv": "panel_wide.csv", "wide_xlsx": "panel_wide.xlsx",
         "dta": "panel.dta"}
NAMES_WITHOUT_SHI = {"420200", "430100", "360100"}  # printed 黄石, 长沙, 南昌
FORMER_NAMES = {("420600", year): "襄樊市" for year in range(2002, 2011)}
UNMAPPED = {"land_area": ("行政区域土地面积", "平方公里"), "gdp_district": ("地区生产总值_市辖区", "万元")}


def yearbook_fields(raw_fields: pd.DataFrame) -> pd.DataFrame:
    """The raw fields the yearbooks print (one row each, in the raw field table's order)."""
    return raw_fields[raw_fields["source"] == "yearbook"].reset_index(drop=True)


def needs_scope(raw_fields: pd.DataFrame, field_name: str) -> bool:
    """True when the field's first header variant also names a field of the other scope (pop / pop_district)."""
    fields = yearbook_fields(raw_fields)
    first = fields.set_index("field").at[field_name, "header_variants"].split("|")[0]
    return sum(first in v.split("|") for v in fields["header_variants"]) > 1


def header(row, scope_style: str, unit_style: str, raw_fields: pd.DataFrame) -> str:
    """A field's column header: first header variant, unit (``(万元)`` or glued ``万元``), scope suffix."""
    name = row.header_variants.split("|")[0]
    if unit_style == "glued":
        name = name.replace("(", "").replace(")", "") + row.unit
    else:
        name = f"{name}({row.unit})"
    if needs_scope(raw_fields, row.field):
        name += {"underscore": "_", "dot": "."}[scope_style] + row.scope
    return name


def city_names(cities: pd.DataFrame) -> dict[str, str]:
    names = dict(zip(cities["admin_code"], cities["name_cn"]))
    return {**names, **{code: extra["name_cn"] for code, extra in EXTRA_CITIES.items()}}


def printed_name(code: str, year: int, names: dict[str, str]) -> str:
    name = FORMER_NAMES.get((code, year), names[code])
    return name.removesuffix("市") if code in NAMES_WITHOUT_SHI else name


def write_long_csv(path: Path, truth: pd.DataFrame, raw_fields: pd.DataFrame, names: dict[str, str]) -> None:
    fields = yearbook_fields(raw_fields)
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["年份", "行政区划代码", "地区", "指标", "口径", "数值", "单位", DEMO_COLUMN])
        for record in truth.sort_values(["year", "admin_code"]).itertuples(index=False):
            for row in fields.itertuples(index=False):
                value, unit = getattr(record, row.field), row.unit
                if row.field == "gdp":
                    value, unit = value / 1e4, "亿元"
                writer.writerow([record.year, f"{float(record.admin_code):.1f}", names[record.admin_code],
                                 row.header_variants.split("|")[0], row.scope, repr(float(value)), unit, "SYNTHETIC"])


def wide_frame(truth: pd.DataFrame, raw_fields: pd.DataFrame, scope_style: str, unit_style: str) -> pd.DataFrame:
    fields = yearbook_fields(raw_fields)
    columns = {header(row, scope_style, unit_style, raw_fields): truth[row.field] for row in fields.itertuples()}
    for key, (name, unit) in UNMAPPED.items():
        columns[name + (unit if unit_style == "glued" else f"({unit})")] = truth[key]
    return pd.DataFrame(columns)


def write_wide_csv(path: Path, truth: pd.DataFrame, raw_fields: pd.DataFrame, names: dict[str, str]) -> None:
    frame = wide_frame(truth, raw_fields, "underscore", "parentheses")
    city = [printed_name(c, y, names) for c, y in zip(truth["admin_code"], truth["year"])]
    frame.insert(0, "年份", truth["year"].to_numpy())
    frame.insert(0, "城市", city)
    frame[DEMO_COLUMN] = "SYNTHETIC"
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format="%.10g")


def write_wide_xlsx(path: Path, truth: pd.DataFrame, raw_fields: pd.DataFrame) -> None:
    frame = wide_frame(truth, raw_fields, "dot", "glued")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "面板"
    sheet.append(["citycode", "year", *frame.columns])
    for code, year, values in zip(truth["admin_code"], truth["year"], frame.itertuples(index=False)):
        sheet.append([int(code[:4]), int(year), *[float(v) for v in values]])
    workbook.properties.keywords = DEMO_MARK
    workbook.save(path)


STATA_NAMES = {"全市": "wc", "市辖区": "duc"}


def write_dta(path: Path, truth: pd.DataFrame, raw_fields: pd.DataFrame) -> None:
    fields = yearbook_fields(raw_fields)
    data, labels = {"citycode": truth["admin_code"].astype(float).to_numpy(), "year": truth["year"].astype(int)}, {}
    labels.update({"citycode": "行政区划代码", "year": "年份"})
    for row in fields.itertuples(index=False):
        base = row.field.removesuffix("_district")
        name = f"{base}_{STATA_NAMES[row.scope]}"[:32]
        data[name] = truth[row.field].astype(float).to_numpy()
        labels[name] = header(row, "underscore", "parentheses", raw_fields)
    frame = pd.DataFrame(data)
    frame.to_stata(path, write_index=False, version=118, variable_labels=labels, data_label="SYNTHETIC demo panel",
                   time_stamp=pd.Timestamp("2021-01-01").to_pydatetime())


def write_panels(out: Path, truth: pd.DataFrame, resources: Path, forms: list[str] | None = None) -> dict[str, Path]:
    """Write the demo panels (all ``FORMS`` or the given ones) into ``out``; return form → path."""
    out.mkdir(parents=True, exist_ok=True)
    raw_fields = tables.read_raw_fields(resources / "raw_fields.csv")
    names = city_names(tables.read_cities(resources / "cities.csv"))
    truth = truth.sort_values(["admin_code", "year"]).reset_index(drop=True)
    paths = {}
    for form in forms or list(FORMS):
        path = out / FORMS[form]
        if form == "long_csv":
            write_long_csv(path, truth, raw_fields, names)
        elif form == "wide_csv":
            write_wide_csv(path, truth, raw_fields, names)
        elif form == "wide_xlsx":
            write_wide_xlsx(path, truth, raw_fields)
        else:
            write_dta(path, truth, raw_fields)
        paths[form] = path
    return paths


def main(argv: list[str] | None = None) -> None:
    """``python -m urban_resilience.demo.panels OUT [FORM …]``: write the demo panels into OUT."""
    import argparse

    from urban_resilience.demo import true_values

    parser = argparse.ArgumentParser(description="Write the SYNTHETIC demo truth as compiled city-year panels.")
    parser.add_argument("out", type=Path, help="folder to write into (created if needed)")
    parser.add_argument("forms", nargs="*", help=f"forms to write (default all: {', '.join(FORMS)})")
    parser.add_argument("--resources", type=Path, default=Path(__file__).resolve().parents[3] / "resources")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.forms) - set(FORMS))
    if unknown:
        parser.error(f"unknown form(s) {', '.join(unknown)}; choose from {', '.join(FORMS)}")
    for form, path in write_panels(args.out, true_values(args.resources), args.resources, args.forms or None).items():
        print(f"{form}: {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
