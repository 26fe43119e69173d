"""Study areas by name: the national city table, the code history, and `new-study`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from urban_resilience.__main__ import main
from urban_resilience.core import places, tables

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = ROOT / "resources"


@pytest.fixture(scope="module")
def gazetteer():
    return places.load(RESOURCES / "cities.csv", RESOURCES / "admin_code_history.csv")


def test_the_city_table_covers_every_prefecture_level_unit_valid_from_2000(gazetteer):
    cities, _ = gazetteer
    history = places.read_history(RESOURCES / "admin_code_history.csv")
    prefecture = history[history["level"] == "prefecture"]
    valid = prefecture[(prefecture["valid_to"] == "") | (pd.to_numeric(prefecture["valid_to"], errors="coerce") > 2000)]
    assert set(valid["admin_code"]) <= set(cities["admin_code"])
    assert {"110100", "120100", "310100", "500000"} <= set(cities["admin_code"])  # municipalities, cnmaps codes
    assert cities["admin_code"].is_unique and len(cities) == 373
    by_code = cities.set_index("admin_code")
    assert by_code.at["320800", "aliases"] == "淮阴市"  # former name of 淮安市, from the history
    assert "襄樊市" in by_code.at["420600", "aliases"].split("|")
    assert by_code.at["422800", "name_en"] == "Enshi Autonomous Prefecture"
    assert by_code.at["341400", "alias_notes"] == "unit abolished in 2011"  # 巢湖市 is kept for 2000-2010
    tables.build_alias_map(cities)  # no name points to two cities


def test_the_curated_rows_keep_their_names_and_ocr_aliases(gazetteer):
    cities, _ = gazetteer
    by_code = cities.set_index("admin_code")
    assert by_code.at["361000", "name_en"] == "Fuzhou (Jiangxi)"
    assert set(by_code.at["360600", "aliases"].split("|")) >= {"鹰谭市", "鹰渖市"}
    assert by_code.at["420100", "capital"] and not by_code.at["420200", "capital"]


@pytest.mark.parametrize(("name", "code"), [("成都", "510100"), ("成都市", "510100"), ("襄樊", "420600"),
                                            ("襄樊市", "420600"), ("淮阴市", "320800"), ("420100", "420100"),
                                            ("黄　石", "420200"), ("北京", "110100"), ("吉林市", "220200")])
def test_names_current_and_former_resolve_to_one_code(gazetteer, name, code):
    assert gazetteer[1].resolve(name) == code


@pytest.mark.parametrize(("name", "message"), [
    ("仙桃", "仙桃: a county-level unit administered directly by its province (429004 (湖北省)), not a "
            "prefecture-level city; the yearbook's city tables do not list it"),
    ("天门市", "天门市: a county-level unit administered directly by its province (429006 (湖北省)), not a "
              "prefecture-level city; the yearbook's city tables do not list it"),
    ("吉林", "吉林: the name is ambiguous, it names the city 220200 吉林市 and the province 吉林省; write 吉林市 "
            "(with 市) or the code for the city"),
    ("湖北", "湖北: a province (湖北省), not a city; name its cities or use --province"),
    ("成督", "成督: no prefecture-level city of this name, now or formerly (close matches: 成都 (510100))"),
    ("429999", "429999: no prefecture-level city with this code in the city table"),
])
def test_county_units_provinces_and_unknown_names_are_refused(gazetteer, name, message):
    with pytest.raises(places.PlaceError) as error:
        gazetteer[1].resolve(name)
    assert str(error.value) == message


@pytest.mark.parametrize(("name", "code"), [
    ("Wuhan", "420100"), ("changsha", "430100"), ("WUHAN", "420100"), ("Wuhan City", "420100"),
    ("Wuhanshi", "420100"), ("Wuhan Shi", "420100"), ("wuhan city", "420100"),
    ("Huangshi", "420200"),  # a name ending in "shi" is not cut
    ("Huangshi Shi", "420200"), ("Xi'an", "610100"), ("Xian", "610100"), ("xi-an", "610100"), ("Ji’an", "360800"),
    ("Suzhou (Anhui)", "341300"), ("Suzhou, Jiangsu", "320500"), ("Fuzhou (Jiangxi)", "361000"),
    ("Fuzhou Fujian", "350100"), ("Enshi", "422800"), ("Enshi Autonomous Prefecture", "422800"),
    ("Bijie", "520500"),  # the city, not the abolished 毕节地区 Bijie Prefecture
    ("Jilin City", "220200"), ("Beijing", "110100"), ("Lüliang", "141100"), ("Ｗｕｈａｎ", "420100"),
])
def test_english_names_resolve_case_insensitive_with_or_without_city(gazetteer, name, code):
    assert gazetteer[1].resolve(name) == code


@pytest.mark.parametrize(("name", "message"), [
    ("Suzhou", "Suzhou: the name is ambiguous, it names 320500 苏州市 Suzhou, 341300 宿州市 Suzhou; write Suzhou "
               "(Jiangsu) or Suzhou (Anhui), the Chinese name or the admin code"),
    ("fuzhou city", "fuzhou city: the name is ambiguous, it names 350100 福州市 Fuzhou, 361000 抚州市 Fuzhou "
                    "(Jiangxi); write Fuzhou (Fujian) or Fuzhou (Jiangxi), the Chinese name or the admin code"),
    ("Taizhou", "Taizhou: the name is ambiguous, it names 321200 泰州市 Taizhou, 331000 台州市 Taizhou; write "
                "Taizhou (Jiangsu) or Taizhou (Zhejiang), the Chinese name or the admin code"),
    ("Jilin", "Jilin: the name is ambiguous, it names the city 220200 吉林市 Jilin and the province 吉林省; write "
              "Jilin City, 吉林市 or the code for the city"),
    ("Hubei Province", "Hubei Province: a province (湖北省), not a city; name its cities or use --province"),
    ("Wuhn", "Wuhn: no prefecture-level city of this English name (close matches: Wuhan (420100), Wuhu (340200)); "
             "the Chinese name or the admin code always works"),
])
def test_ambiguous_english_names_and_provinces_are_refused_with_the_candidates(gazetteer, name, message):
    with pytest.raises(places.PlaceError) as error:
        gazetteer[1].resolve(name)
    assert str(error.value) == message


def test_english_keys_of_the_city_table_name_one_city_except_the_shared_pinyin(gazetteer):
    """Every shared English key is one of the four pairs of homophones (and the name with its
    province tells them apart); no English name is also another unit's name with " City" or "shi"."""
    _, g = gazetteer
    shared = {key: codes for key, codes in g.english.items() if len(codes) > 1}
    assert shared == {"suzhou": {"320500", "341300"}, "taizhou": {"321200", "331000"},
                      "yulin": {"450900", "610800"}, "yichun": {"230700", "360900"},
                      "fuzhou": {"350100", "361000"}}
    for code, name in g.names_en.items():
        assert g.resolve(f"{name.split(' (')[0]} ({g.province_of[code]})") == code


def test_every_failing_name_is_listed_at_once(gazetteer):
    with pytest.raises(places.PlaceError) as error:
        gazetteer[1].resolve_all(["武汉", "仙桃", "襄樊", "潜江"])
    assert [line.split(":")[0] for line in str(error.value).splitlines()] == ["仙桃", "潜江"]
    assert gazetteer[1].resolve_all(["武汉", "武汉市", "襄樊"]) == ["420100", "420600"]


def test_a_province_gives_its_current_cities(gazetteer):
    cities, g = gazetteer
    hubei = places.province_cities(cities, "湖北", g)
    assert len(hubei) == 13 and "420600" in hubei and "422800" in hubei and "429004" not in hubei
    assert "341400" not in places.province_cities(cities, "安徽省", g)  # 巢湖 abolished in 2011


def test_new_study_writes_a_config_the_workflow_accepts(tmp_path, capsys):
    output = tmp_path / "hubei3.yaml"
    assert main(["new-study", "hubei3", "--cities", "武汉", "襄樊", "黄石", "--output", str(output)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "襄樊 -> 420600 襄阳市 Xiangyang"
    written = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert written["cities"] == [420100, 420600, 420200] and written["study_area"] == []
    assert written["dataset"] == {"name": "hubei3", "synthetic": False}
    assert f"--configfile {output} --directory runs/hubei3" in output.read_text(encoding="utf-8").splitlines()[1]
    # the workflow validates it (merged onto config.yaml) and plans a run on the demo inputs, which
    # the gate only accepts as synthetic
    demo = tmp_path / "demo.yaml"
    demo.write_text("dataset: {name: hubei3, synthetic: true}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--configfile", str(output), str(demo),
                          "--quiet", "rules"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]


def test_new_study_takes_english_names_and_provinces(tmp_path, capsys):
    output = tmp_path / "two.yaml"
    assert main(["new-study", "two", "--cities", "Wuhan", "Changsha City", "--province", "Jiangxi",
                 "--output", str(output)]) == 0
    said = capsys.readouterr().out.splitlines()
    assert said[:2] == ["Wuhan -> 420100 武汉市 Wuhan", "Changsha City -> 430100 长沙市 Changsha"]
    written = yaml.safe_load(output.read_text(encoding="utf-8"))
    assert written["cities"][:3] == [420100, 430100, 360100] and len(written["cities"]) == 13
    assert main(["new-study", "bad", "--cities", "Wuhan", "Suzhou", "--output", str(output.with_name("b.yaml"))]) == 2
    said = capsys.readouterr().err
    assert "Suzhou: the name is ambiguous, it names 320500 苏州市 Suzhou, 341300 宿州市 Suzhou" in said
    assert not output.with_name("b.yaml").exists()


def test_new_study_refuses_and_writes_nothing(tmp_path, capsys):
    output = tmp_path / "bad.yaml"
    assert main(["new-study", "bad", "--cities", "武汉", "仙桃", "--output", str(output)]) == 2
    assert not output.exists()
    assert "仙桃: a county-level unit" in capsys.readouterr().err
    assert main(["new-study", "one", "--cities", "武汉", "--output", str(output)]) == 2


def test_new_study_notes_units_missing_in_some_years_and_units_that_are_not_cities(gazetteer):
    cities, _ = gazetteer
    history = places.read_history(RESOURCES / "admin_code_history.csv")
    # 巢湖 ended 2011, 毕节市 began 2011, 恩施 is an autonomous prefecture, 襄阳 was 襄樊 (one code, 1981 on)
    notes = places.study_notes(["341400", "520500", "422800", "420600"], cities, history, 2003, 2019)
    assert [n.split(":")[0] for n in notes] == ["341400 巢湖市", "520500 毕节市", "422800 恩施土家族苗族自治州"]
    assert "1999–2011, the study 2003–2019" in notes[0] and "since 2011" in notes[1]
    assert "an autonomous prefecture, not a prefecture-level city" in notes[2]
    # inside its years, a unit is not noted
    assert places.study_notes(["371200", "520500"], cities, history, 2011, 2017) == []
