"""Generate a SYNTHETIC SSDA903 return (episodes, header, UASC) for one council of about 500 children in care.

    python tools/synthetic_903.py OUT_FOLDER [--years 2019 2023] [--children 500] [--seed 903]

Writes OUT_FOLDER/<year>/episodes.csv, header.csv and uasc.csv for each collection year (folder "2019" holds
the 2019-20 return, as in data-to-insight's sample), dates dd/mm/yyyy, DfE codes only. Nobody in it is real.

How it is made (every figure below is a named assumption in `Assumptions`, chosen to look like an English
council, not measured; the public anchors are the England LAC rate of 64-67 per 10,000 for 2018-20 and
DfE's pattern that about 40% of children in care are 10-15):
- a burn-in of 10 years before the first return brings the stock to a steady state near `children`;
- entries arrive as a Poisson process, `children / mean_stay_months` a month; the age at entry is drawn
  from `entry_age_shares` (babies, 1-4, 5-9, 10-15, 16-17) and uniformly inside the band;
- each placement lasts an exponential time (mean `placement_months`); at its end the child either leaves care
  (probability `exit_share_at_move` by age group) or moves to a new placement (a new episode, RNE = P,
  the old one ends REC = X1);
- placement types at entry and after a move are drawn from `placement_shares` for the child's age band;
  providers follow the type (in-house PR1, IFA PR4, residential PR4 or PR1, supported PR4);
- exit routes depend on age: adoption (E11/E12) and SGO (E45/E46) mostly for the under-5s, return home
  (E4A/E4B) at any age, independent living/staying put (E5/E6/E17) from 16; every child still in care
  leaves at 18 (E17 or E5);
- `uasc_share` of entrants aged 14-17 are UASC (UASC table, DUC = their 18th birthday);
- each return lists every episode open on or after 1 April of its year that started by 31 March; an episode
  still open on 31 March is written open (DEC and REC blank), so later returns repeat it, as real ones do.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

AGE_BANDS = ((0, 1), (1, 5), (5, 10), (10, 16), (16, 18))
TYPES = ("in_house", "ifa", "residential", "supported", "kinship", "parents", "adoption_placement")


@dataclass(frozen=True)
class Assumptions:
    """Generator settings (synthetic; plausible, not measured)."""

    children: int = 500  # target stock of children in care
    mean_stay_months: float = 36.0  # ~ placement_months / mean exit share; entries a month = children / this
    placement_months: float = 14.0  # average length of one placement
    entry_age_shares: tuple[float, ...] = (0.18, 0.16, 0.18, 0.36, 0.12)
    exit_share_at_move: tuple[float, ...] = (0.45, 0.45, 0.40, 0.35, 0.40)  # leave care vs move, by age band
    placement_shares: dict[int, tuple[float, ...]] = field(
        default_factory=lambda: {
            0: (0.45, 0.25, 0.00, 0.00, 0.15, 0.10, 0.05),
            1: (0.40, 0.28, 0.01, 0.00, 0.16, 0.10, 0.05),
            2: (0.36, 0.33, 0.06, 0.00, 0.15, 0.08, 0.02),
            3: (0.28, 0.36, 0.18, 0.02, 0.10, 0.06, 0.00),
            4: (0.18, 0.24, 0.16, 0.32, 0.06, 0.04, 0.00),
        }
    )
    uasc_share: float = 0.15  # of entrants aged 14-17
    burn_in_years: int = 10


PLACE_CODES = {
    "in_house": ("U4", "U5", "U6"),
    "ifa": ("U4", "U5", "U6"),
    "residential": ("K2", "K2", "R1"),
    "supported": ("H5", "P2"),
    "kinship": ("U1", "U2", "U3"),
    "parents": ("P1",),
    "adoption_placement": ("A4", "A6"),
}
PROVIDERS = {
    "in_house": "PR1",
    "ifa": "PR4",
    "residential": "PR4",
    "supported": "PR4",
    "kinship": "PR1",
    "parents": "PR0",
    "adoption_placement": "PR1",
}


def _band(age_years: float) -> int:
    return next((i for i, (_lo, hi) in enumerate(AGE_BANDS) if age_years < hi), len(AGE_BANDS) - 1)


def _exit_code(rng: np.random.Generator, age: float, placement: str) -> str:
    if placement == "adoption_placement":
        return str(rng.choice(["E11", "E12"]))
    if age < 5:
        return str(rng.choice(["E4A", "E4B", "E45", "E46", "E41", "E8"], p=[0.35, 0.1, 0.25, 0.1, 0.1, 0.1]))
    if age < 16:
        return str(
            rng.choice(
                ["E4A", "E4B", "E47", "E48", "E13", "E8", "E3"], p=[0.4, 0.15, 0.1, 0.05, 0.1, 0.1, 0.1]
            )
        )
    return str(rng.choice(["E4A", "E5", "E6", "E17", "E13", "E8"], p=[0.2, 0.25, 0.15, 0.2, 0.1, 0.1]))


def simulate_children(
    first_year: int, last_year: int, settings: Assumptions, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(episodes with ISO dates and open ones ending after the last return blank, header) of every child."""
    rng = np.random.default_rng(seed)
    start = date(first_year - settings.burn_in_years, 4, 1)
    end = date(last_year + 1, 3, 31)
    monthly_entries = settings.children / settings.mean_stay_months
    episodes, header = [], []
    day, child_id = start, 100000
    while day <= end:
        day += timedelta(days=float(rng.exponential(30.44 / monthly_entries)))
        if day > end:
            break
        child_id += 1
        band = int(rng.choice(len(AGE_BANDS), p=settings.entry_age_shares))
        age = float(rng.uniform(*AGE_BANDS[band])) if band < 4 else float(rng.uniform(16, 17.9))
        dob = day - timedelta(days=int(age * 365.25))
        uasc = age >= 14 and rng.random() < settings.uasc_share
        header.append({"CHILD": child_id, "SEX": int(rng.choice([1, 2])), "DOB": dob, "uasc": uasc})
        eighteenth = date(dob.year + 18, dob.month, min(dob.day, 28))
        current, rne = day, "S"
        while True:
            age_now = (current - dob).days / 365.25
            shares = np.array(settings.placement_shares[_band(age_now)])
            placement = TYPES[int(rng.choice(len(TYPES), p=shares / shares.sum()))]
            stop = current + timedelta(days=max(1, int(rng.exponential(settings.placement_months * 30.44))))
            leaving = (
                rng.random() < settings.exit_share_at_move[_band(age_now)]
                or placement == "adoption_placement"
            )
            if stop >= eighteenth:
                stop, leaving, rec = eighteenth, True, str(rng.choice(["E17", "E5"]))
            else:
                rec = _exit_code(rng, (stop - dob).days / 365.25, placement) if leaving else "X1"
            episodes.append(
                {
                    "CHILD": child_id,
                    "DECOM": current,
                    "RNE": rne,
                    "LS": str(rng.choice(["C2", "C1", "V2", "E1"], p=[0.6, 0.2, 0.15, 0.05])),
                    "CIN": str(rng.choice(["N1", "N2", "N4", "N5", "N8"], p=[0.6, 0.05, 0.1, 0.15, 0.1])),
                    "PLACE": str(rng.choice(PLACE_CODES[placement])),
                    "PLACE_PROVIDER": PROVIDERS[placement],
                    "DEC": stop,
                    "REC": rec,
                    "REASON_PLACE_CHANGE": "" if leaving else str(rng.choice(["CARPL", "CHILD", "LAREQ"])),
                }
            )
            if leaving or stop > end:
                break
            current, rne = stop, "P"
    return pd.DataFrame(episodes), pd.DataFrame(header)


def write_returns(
    folder: Path, episodes: pd.DataFrame, header: pd.DataFrame, first_year: int, last_year: int
) -> None:
    """One folder per collection year, as each return would list them."""
    fmt = "%d/%m/%Y"
    for year in range(first_year, last_year + 1):
        year_start, year_end = date(year, 4, 1), date(year + 1, 3, 31)
        mine = episodes[(episodes["DECOM"] <= year_end) & (episodes["DEC"] >= year_start)].copy()
        still_open = mine["DEC"] > year_end
        mine["DECOM"] = mine["DECOM"].map(lambda d: d.strftime(fmt))
        mine["DEC"] = mine["DEC"].map(lambda d: d.strftime(fmt)).where(~still_open, "")
        mine.loc[still_open, ["REC", "REASON_PLACE_CHANGE"]] = ""
        for column in ("HOME_POST", "PL_POST", "URN"):
            mine[column] = ""
        people = header[header["CHILD"].isin(mine["CHILD"])]
        out = folder / str(year)
        out.mkdir(parents=True, exist_ok=True)
        mine.to_csv(out / "episodes.csv", index=False)
        table = people.assign(
            DOB=people["DOB"].map(lambda d: d.strftime(fmt)), ETHNIC="WBRI", UPN="", MOTHER="", MC_DOB=""
        )
        table[["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]].to_csv(
            out / "header.csv", index=False
        )
        uasc = people[people["uasc"]]
        duc = uasc["DOB"].map(lambda d: date(d.year + 18, d.month, min(d.day, 28)).strftime(fmt))
        uasc.assign(DOB=uasc["DOB"].map(lambda d: d.strftime(fmt)), DUC=duc)[
            ["CHILD", "SEX", "DOB", "DUC"]
        ].to_csv(out / "uasc.csv", index=False)


def generate(
    folder: str | Path,
    *,
    first_year: int = 2019,
    last_year: int = 2023,
    seed: int = 903,
    settings: Assumptions | None = None,
) -> Path:
    """Write the synthetic returns of collection years first_year .. last_year (2019 = the 2019-20 return)."""
    settings = settings or Assumptions()
    episodes, header = simulate_children(first_year, last_year, settings, seed)
    write_returns(Path(folder), episodes, header, first_year, last_year)
    return Path(folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="folder to write (one sub-folder per collection year)")
    parser.add_argument(
        "--years",
        type=int,
        nargs=2,
        default=(2019, 2023),
        metavar=("FIRST", "LAST"),
        help="first and last collection year (2019 = the 2019-20 return)",
    )
    parser.add_argument("--children", type=int, default=500, help="target number of children in care")
    parser.add_argument("--seed", type=int, default=903)
    args = parser.parse_args()
    generate(
        args.out,
        first_year=args.years[0],
        last_year=args.years[1],
        seed=args.seed,
        settings=Assumptions(children=args.children),
    )
    print(f"Wrote SYNTHETIC 903 returns {args.years[0]}-{args.years[1]} to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
