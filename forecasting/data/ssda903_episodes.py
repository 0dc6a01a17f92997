"""Cleaning 903 episodes across collection years into one consistent history per child (in memory only).

Rules, in order (each applied per authority and child; every change is reported, never silent):
1. Short breaks: episodes under legal status V3/V4 (agreed series of short-term breaks) are left out when
   `short_breaks="exclude"` (DfE's count of children looked after does); `"include"` keeps them (SF-R, D2I).
2. Copies: each return repeats episodes still open at the start of its year, so the same (CHILD, DECOM) can
   appear in several returns. One copy is kept: the one with the latest DEC (a closed copy beats an open one),
   then the later return. Copies that disagree on PLACE, PLACE_PROVIDER or LS are reported (warning).
3. Same end: two episodes of a child with the same DEC but different DECOM: the longer (earlier DECOM)
   is kept, the other reported as overlapping (D2I's rule).
4. Overlaps: an episode still open, or ending after the next episode starts, is ended on the next DECOM
   (D2I/SF-R's rule; LIIA RULE_1/RULE_4). Reported with both rows' places.
5. Stale open episodes: an episode open at the end of its return whose child is absent from the authority's
   later returns (a return lists every child looked after during its year, so the child left unrecorded).
   `stale_open="keep"` keeps it open (SF-R, D2I); `"close"` ends it on its return's 31 March (LIIA RULE_2).
   Reported either way.
Then each episode gets: placement type, whether it starts a period of care (no episode of the child ends
on its DECOM) and ends one (it ended and no episode of the child starts on its DEC), the exit route of a
period's last episode, the child's DOB from the header (the latest return's; conflicts reported) and the
UASC file's DUC.
The data window of an authority runs from 1 April of its first return's year to its latest return's 31 March.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from forecasting.data.ssda903 import Raw903
from forecasting.data.ssda903_config import Codes903, exit_routes, load_codes, placement_types
from forecasting.data.validation import ValidationReport

SHORT_BREAK_CHOICES = ("exclude", "include")
STALE_CHOICES = ("keep", "close")


@dataclass
class Episodes903:
    """One clean episode history per child (child-level: in memory only, never written out).

    episodes: la, CHILD, DECOM, DEC, RNE, LS, PLACE, PLACE_PROVIDER, REC, placement_type, period_start,
              period_end, route (of a period's last episode, else ""), DOB, DUC, uasc, file, sheet, row,
              return_end.
    windows:  authority -> (first day, last day) fully covered by its returns.
    """

    episodes: pd.DataFrame
    windows: dict[str, tuple[pd.Timestamp, pd.Timestamp]]

    @property
    def authorities(self) -> list[str]:
        return sorted(self.windows)


def _where(rows: pd.DataFrame) -> str:
    return "; ".join(f"{f} row {r}" for f, r in zip(rows["file"], rows["row"], strict=True))


def _warn_examples(
    report: ValidationReport, groups: list[pd.DataFrame], message: str, hint: str, code: str
) -> None:
    for rows in groups:
        first = rows.iloc[0]
        report.warning(
            f"{message} (child {first['CHILD']}: {_where(rows)})",
            hint,
            code=code,
            file=str(first["file"]),
            sheet=first["sheet"],
            row=int(first["row"]),
        )


def clean_episodes(
    raw: Raw903,
    report: ValidationReport,
    *,
    short_breaks: str = "exclude",
    stale_open: str = "keep",
    codes: Codes903 | None = None,
) -> Episodes903:
    """Apply the module's rules 1-5 and derive periods, placement types and routes."""
    if short_breaks not in SHORT_BREAK_CHOICES or stale_open not in STALE_CHOICES:
        raise ValueError(f"short_breaks in {SHORT_BREAK_CHOICES}, stale_open in {STALE_CHOICES}")
    codes = codes or load_codes()
    episodes = raw.episodes.copy()
    windows: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {
        str(la): (pd.Timestamp(year=group.min().year - 1, month=4, day=1), group.max())
        for la, group in episodes.groupby("la")["return_end"]
    }
    latest_return = episodes.groupby("la")["return_end"].transform("max")
    if short_breaks == "exclude":
        breaks = episodes["LS"].isin(codes.short_break_legal_status)
        if breaks.any():
            report.warning(
                f"{int(breaks.sum())} episode(s) of short breaks (legal status V3/V4) are left out, as "
                "in DfE's count of children looked after",
                "Nothing to do.",
                code="short_breaks",
                file=report.source,
            )
        episodes, latest_return = episodes[~breaks], latest_return[~breaks]
    episodes = _drop_copies(episodes.assign(latest_return=latest_return), report)
    episodes = _drop_same_end(episodes, report)
    episodes = _close_overlaps(episodes, report)
    episodes = _stale_open(episodes, report, stale_open)
    episodes = _derive(episodes, codes)
    episodes = _attach_header(episodes, raw, report)
    return Episodes903(episodes.drop(columns="latest_return").reset_index(drop=True), windows)


def _drop_copies(episodes: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    episodes = episodes.sort_values(
        ["la", "CHILD", "DECOM", "DEC", "return_end"], na_position="first", kind="stable"
    )
    key = ["la", "CHILD", "DECOM"]
    copies = episodes[episodes.duplicated(key, keep=False)]
    what = copies["PLACE"] + "|" + copies["PLACE_PROVIDER"] + "|" + copies["LS"]
    kinds = what.groupby([copies[k] for k in key]).transform("nunique")  # one pass, not one per episode
    differing = [rows for _, rows in copies[kinds > 1].groupby(key)]
    _warn_examples(
        report,
        differing,
        "The same episode differs between returns; the copy with the latest end "
        "(then the latest return) is used",
        "Correct the earlier return's copy, or nothing to do if the later one is right.",
        "copies_differ",
    )
    return episodes.drop_duplicates(key, keep="last")


def _drop_same_end(episodes: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    closed = episodes[episodes["DEC"].notna()]
    key = ["la", "CHILD", "DEC"]
    same_end = closed[closed.duplicated(key, keep=False)]
    _warn_examples(
        report,
        [rows for _, rows in same_end.groupby(key)],
        "Episodes overlap: they end on the same day but start on different days; the longer one is kept",
        "Correct DECOM of the later one.",
        "overlap_same_end",
    )
    drop = same_end.index.difference(same_end.drop_duplicates(key, keep="first").index)
    return episodes.drop(index=drop)


def _close_overlaps(episodes: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    episodes = episodes.sort_values(["la", "CHILD", "DECOM"], kind="stable").copy()
    same_child = episodes.groupby(["la", "CHILD"])
    next_decom = same_child["DECOM"].shift(-1)
    overlap = next_decom.notna() & (episodes["DEC"].isna() | (episodes["DEC"] > next_decom))
    if overlap.any():
        nexts = episodes.shift(-1)
        for index in episodes.index[overlap][:200]:
            mine, following = episodes.loc[index], nexts.loc[index]
            state = "is still open" if pd.isna(mine["DEC"]) else f"ends {mine['DEC']:%d/%m/%Y}"
            report.warning(
                f"Episode of child {mine['CHILD']} starting {mine['DECOM']:%d/%m/%Y} {state} but the next "
                f"starts {following['DECOM']:%d/%m/%Y} ({following['file']} row {following['row']}); "
                "it was ended on that date",
                "Correct DEC in the earlier return (or the later one's DECOM).",
                code="overlap",
                file=str(mine["file"]),
                sheet=mine["sheet"],
                row=int(mine["row"]),
            )
        episodes.loc[overlap, "DEC"] = next_decom[overlap]
        episodes.loc[overlap & (episodes["REC"] == ""), "REC"] = "X1"
    return episodes


def _stale_open(episodes: pd.DataFrame, report: ValidationReport, stale_open: str) -> pd.DataFrame:
    last_seen = episodes.groupby(["la", "CHILD"])["return_end"].transform("max")
    stale = episodes["DEC"].isna() & (last_seen < episodes["latest_return"])
    if stale.any():
        action = (
            "kept open (as SF-R and D2I do)"
            if stale_open == "keep"
            else "ended on its return's 31 March (as LIIA does)"
        )
        report.warning(
            f"{int(stale.sum())} episode(s) are open in an earlier return but the child is not in the "
            f"authority's later returns; {action}",
            "Add the missing episodes to the later return, or close them with DEC and REC.",
            code="stale_open",
            file=str(episodes.loc[stale, "file"].iloc[0]),
            sheet=episodes.loc[stale, "sheet"].iloc[0],
            row=int(episodes.loc[stale, "row"].iloc[0]),
        )
        if stale_open == "close":
            episodes = episodes.copy()
            episodes.loc[stale, "DEC"] = episodes.loc[stale, "return_end"]
            episodes.loc[stale, "REC"] = "E99"
    return episodes


def _derive(episodes: pd.DataFrame, codes: Codes903) -> pd.DataFrame:
    episodes = episodes.sort_values(["la", "CHILD", "DECOM"], kind="stable").copy()
    same_child = episodes.groupby(["la", "CHILD"])
    previous_dec, next_decom = same_child["DEC"].shift(1), same_child["DECOM"].shift(-1)
    episodes["placement_type"] = placement_types(episodes["PLACE"], episodes["PLACE_PROVIDER"], codes)
    episodes["period_start"] = previous_dec.isna() | (previous_dec != episodes["DECOM"])
    episodes["period_end"] = episodes["DEC"].notna() & (next_decom.isna() | (next_decom != episodes["DEC"]))
    episodes["route"] = exit_routes(episodes["REC"], codes).where(episodes["period_end"], "")
    return episodes


def _attach_header(episodes: pd.DataFrame, raw: Raw903, report: ValidationReport) -> pd.DataFrame:
    header = raw.header.sort_values("row", kind="stable")
    if len(header):
        dobs = header.groupby(["la", "CHILD"])["DOB"].nunique()
        conflicting = dobs[dobs > 1].index
        _warn_examples(
            report,
            [header[(header["la"] == la) & (header["CHILD"] == child)] for la, child in conflicting[:200]],
            "The child's DOB differs between header rows; the last one read is used",
            "Correct DOB in the header files.",
            "dob_conflict",
        )
    last_dob = header.drop_duplicates(["la", "CHILD"], keep="last")[["la", "CHILD", "DOB"]]
    episodes = episodes.merge(last_dob, on=["la", "CHILD"], how="left")
    no_header = episodes["DOB"].isna()
    if no_header.any() and len(header):
        rows = episodes[no_header]
        report.warning(
            f"{rows['CHILD'].nunique()} child(ren) in the episodes have no header row (no DOB), e.g. child "
            f"{rows['CHILD'].iloc[0]}; they count in totals and placements but their age band is unknown",
            "Add their header rows.",
            code="no_header_row",
            file=str(rows["file"].iloc[0]),
            sheet=rows["sheet"].iloc[0],
            row=int(rows["row"].iloc[0]),
        )
    uasc = raw.uasc.sort_values("row", kind="stable")
    ceased = uasc.assign(DUC=uasc["DUC"].fillna(pd.Timestamp.max)).groupby(["la", "CHILD"])["DUC"].max()
    episodes = episodes.merge(ceased.rename("DUC").reset_index(), on=["la", "CHILD"], how="left")
    episodes["uasc"] = episodes["DUC"].notna()
    return episodes


__all__ = ["SHORT_BREAK_CHOICES", "STALE_CHOICES", "Episodes903", "clean_episodes"]
