"""Three plausible one-line bugs that once survived the whole suite (issue 22, item 6); each test
here fails on its bug (checked by applying it):

- the per-province dispersion averaging the per-year statistics by the median instead of the mean
  (``trends.dispersion``: ``stats(b).median()``);
- a high-speed-rail station that opens on the cut-off day (``hsr.year_end``) counted a year late
  (``build.hsr_counts``: ``opened < cutoff``);
- a former city name resolved through the national code list before the city table's aliases
  (``yearbook.Names.resolve`` / ``close_matches``).
"""

import numpy as np
import pandas as pd
import pytest

from urban_resilience.analysis import trends
from urban_resilience.core import tables
from urban_resilience.core.vocabulary import DDOF, MEASURES
from urban_resilience.panel import build
from urban_resilience.readers import yearbook


def test_per_province_dispersion_is_the_mean_over_years_not_the_median():
    # one province, two cities, three years; the second city's total 1, 2, 6 above the first's:
    # yearly std (ddof 1) = d/√2 = 0.707, 1.414, 4.243 -> mean 3/√2 = 2.121 (the median would be √2)
    gaps = {2003: 1.0, 2004: 2.0, 2005: 6.0}
    scores = pd.DataFrame([{"admin_code": code, "province_en": "Hubei", "year": year,
                            **{m: 10.0 + (gap if code == "b" else 0.0) for m in MEASURES}}
                           for year, gap in gaps.items() for code in ("a", "b")])
    _, by_province = trends.dispersion(scores)
    row = by_province.set_index("province_en").loc["Hubei"]
    assert DDOF == 1
    assert row["total_std"] == pytest.approx(np.mean([1.0, 2.0, 6.0]) / np.sqrt(2))  # 2.1213…, not 1.4142…
    means = [10.5, 11.0, 13.0]
    assert row["total_mean"] == pytest.approx(np.mean(means))  # 11.5, the median would be 11
    assert row["total_cv"] == pytest.approx(np.mean([g / np.sqrt(2) / m for g, m in zip(gaps.values(), means)]))


def test_a_station_opening_on_the_cut_off_day_counts_that_year():
    stations = pd.DataFrame({"admin_code": ["420100", "420100", "420100"], "station_cn": ["汉口", "武汉", "武昌"],
                             "opened": ["2008-12-31", "2009-01-01", "2009-06-30"]})
    counts = build.hsr_counts(stations, ["420100"], [2007, 2008, 2009], "12-31")
    assert counts["hsr_stations"].tolist() == [0.0, 1.0, 3.0]  # opened on 31 Dec 2008: open at the end of 2008
    mid_year = build.hsr_counts(stations, ["420100"], [2008, 2009], "06-30")
    assert mid_year["hsr_stations"].tolist() == [0.0, 3.0]  # 30 June 2009 is that year's cut-off day


def test_the_city_tables_alias_wins_over_the_national_list_for_a_former_name(resources):
    # 吉安地区 (prefecture 362400, abolished in 2000) became 吉安市 (360800). A city table that lists the
    # former name as an alias of 360800 must win over the national list, which still maps it to 362400.
    cities = tables.read_cities(resources / "cities.csv")
    admin_codes = pd.read_csv(resources / "admin_codes.csv", dtype=str, keep_default_na=False)
    assert admin_codes.loc[admin_codes["name_cn"] == "吉安地区", "admin_code"].tolist() == ["362400"]
    ji_an = cities["admin_code"] == "360800"
    cities.loc[ji_an, "aliases"] = cities.loc[ji_an, "aliases"] + "|吉安地区"
    names = yearbook.Names.build(cities, admin_codes)
    assert names.resolve("吉安地区") == ("360800", "city")
    assert names.resolve("吉安市") == ("360800", "city")
    assert names.resolve("襄樊市") == ("420600", "city")  # the former name of a study city with the same code
    assert names.close_matches("吉安地")[:2] == ["吉安地区 (360800)", "吉安 (360800)"]  # with the table's code
    # without the alias the former name is another (abolished) unit of the national list
    plain = yearbook.Names.build(tables.read_cities(resources / "cities.csv"), admin_codes)
    assert plain.resolve("吉安地区") == ("362400", "other_city")
