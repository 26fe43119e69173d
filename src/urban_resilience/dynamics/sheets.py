"""The dynamics tables as sheets of the results workbook (``exports.outputs.write_workbook``'s
``{title: (frame, number formats)}``), for scripts/export_workbook.py to add. Kept here so that the
export script needs one import and one ``sheets.update(...)``; the ``dataset`` column is dropped as
in the other sheets (the About sheet states the dataset)."""

from __future__ import annotations

import pandas as pd

from urban_resilience.core.io import read_table

FILES = {"transitions": "results/dynamics/markov_transitions.csv",
         "homogeneity": "results/dynamics/markov_homogeneity.csv",
         "beta": "results/dynamics/beta_convergence.csv", "sigma": "results/dynamics/sigma_convergence.csv",
         "hotspots": "results/dynamics/hotspots.csv", "gravity": "results/dynamics/gravity_centres.csv",
         "coupling": "results/dynamics/coupling.csv", "geodetector_factor": "results/dynamics/geodetector_factor.csv",
         "geodetector_interaction": "results/dynamics/geodetector_interaction.csv"}


def workbook_sheets(paths: dict[str, str]) -> dict[str, tuple[pd.DataFrame, dict[str, str]]]:
    """Sheets of the dynamics tables named in ``paths`` (keys of ``FILES``), in the workbook's
    bilingual titles; absent keys are skipped."""
    def table(key: str) -> pd.DataFrame:
        return read_table(paths[key]).drop(columns=["dataset"], errors="ignore")

    specification = [
        ("transitions", "Markov 马尔可夫转移", {"probability": "0.000"}),
        ("homogeneity", "Markov tests 马尔可夫检验", {"LR": "0.00", "Q": "0.00", "LR_p_value": "0.000",
                                                  "Q_p_value": "0.000"}),
        ("sigma", "Sigma 收敛σ", {"cv": "0.0000", "sd_log": "0.0000"}),
        ("beta", "Beta 收敛β", {"beta": "0.0000", "beta_se": "0.0000", "beta_p": "0.000", "speed": "0.0000",
                              "speed_se": "0.0000", "half_life": "0.0", "half_life_se": "0.0"}),
        ("hotspots", "Hot spots 冷热点", {"gi_star": "0.0000", "z": "0.00", "p_sim": "0.000"}),
        ("gravity", "Gravity 重心", {"x": "0", "y": "0", "lon": "0.0000", "lat": "0.0000", "semi_major_km": "0.0",
                                   "semi_minor_km": "0.0", "area_km2": "0", "azimuth_major": "0.0",
                                   "shift_km": "0.00", "shift_azimuth": "0.0"}),
        ("coupling", "Coupling 耦合协调", {"C": "0.0000", "C_traditional": "0.0000", "T": "0.0000", "D": "0.0000"}),
        ("geodetector_factor", "Geodetector 地理探测器", {"q": "0.000", "F": "0.00", "p": "0.000"}),
        ("geodetector_interaction", "Interaction 交互探测", {"q_1": "0.000", "q_2": "0.000",
                                                              "q_interaction": "0.000"}),
    ]
    return {title: (table(key), formats) for key, title, formats in specification if key in paths}
