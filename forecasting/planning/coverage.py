"""What each page of the planner needs from the data, and which of those indicators a data set lacks, in
words.

An uploaded scorecard may hold any subset of the indicators. Each capability draws what the data allow and
says
what it left out and why, instead of failing. A capability's `Part`s list the indicators each piece of it
reads:

- `required`: without every one of these indicators the capability cannot be drawn at all (e.g. contacts for
  anything built on the scenario baseline, whose levers all start at the front door);
- `optional`: the piece is left out (or falls back to a named parameter) when an indicator is missing; a page
  asks `Coverage.has(key)` before drawing a piece that has a key.

`coverage(dataset, capability)` returns a `Coverage`: the missing parts, whether the capability can be drawn
(`usable`) and a message naming every missing indicator in plain words with its code, e.g. "single assessments
completed (EH3)". The parts mirror the code that reads them (pipeline.FLOW_INDICATORS,
workforce.HISTORY_INDICATORS/TIMELINESS_TEAM, costs.placement_mix, headlines.HEADLINES).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CAPABILITIES", "INDICATOR_WORDS", "Coverage", "Part", "coverage", "indicator_words"]

# short plain words for the indicators the planning capabilities read (the catalogue's names are long)
INDICATOR_WORDS: dict[str, str] = {
    "M1": "contacts",
    "M2": "referrals",
    "EH3": "single assessments completed",
    "EH2": "open children-in-need cases",
    "CP1": "Section 47 enquiries started",
    "CP2": "initial child protection conferences",
    "CP4 (val)": "conferences resulting in a child protection plan",
    "CP6B": "children on child protection plans",
    "LAC1": "looked-after children",
    "LAC2": "children starting to be looked after",
    "LAC4": "children ceasing to be looked after",
    "LAC9 (val)": "children in independent fostering agency (IFA) placements",
    "LAC16": "in-house foster carers",
    "M8-QL": "% of MASH decisions within 24 hours",
    "EH4-QL": "% of single assessments within 45 working days",
    "CP8-QL": "% of children on plans seen within 15 working days",
    "CP2b": "child protection transfer-ins",
    "CP7": "child protection plans ending",
    "M5": "children stepped up from Universal Help",
    "EH1b": "Universal Help Plans opened",
    "EH1c": "Universal Help Assessments completed",
}


def indicator_words(code: str, catalogue=None) -> str:
    """'single assessments completed (EH3)': short words, else the catalogue's name, else the code alone."""
    words = INDICATOR_WORDS.get(code)
    if words is None and catalogue is not None and "name" in catalogue and code in catalogue.index:
        words = str(catalogue.at[code, "name"])
    return f"{words} ({code})" if words else code


@dataclass(frozen=True)
class Part:
    """A piece of a capability: the indicators it reads, what it gives (plain words), its role and a key."""

    codes: tuple[str, ...]
    gives: str
    role: str = "optional"  # "required" | "optional"
    key: str = ""  # for Coverage.has


_CASELOAD = Part(("M1", "EH2", "CP6B"), "the CIN/CP caseload per social worker", key="caseload")
CAPABILITIES: dict[str, tuple[Part, ...]] = {
    "overview": (
        Part(("M1",), "the contacts card"),
        Part(("M2",), "the referrals card"),
        Part(("CP6B",), "the child protection plans card"),
        Part(("LAC1",), "the looked-after children card"),
        Part(("EH4-QL",), "the assessment timeliness card"),
        _CASELOAD,
    ),
    "scenarios": (
        Part(("M1",), "every lever (they act on contacts at the front door)", "required"),
        Part(("M2",), "referrals and every change after the front door"),
        Part(("EH3",), "single assessments and the assessment team's timeliness"),
        Part(
            ("CP1", "CP2", "CP4 (val)"),
            "the route from a referral to a child protection plan, so the number "
            "on plans does not respond to the levers",
        ),
        Part(("CP6B",), "children on child protection plans"),
        Part(("LAC2",), "entries to care, so no lever changes the number of looked-after children"),
        Part(("LAC1",), "looked-after children and placement spend"),
        Part(("EH2",), "children in need and the CIN/CP caseload"),
        *(
            Part(
                (code,),
                "a forecast of your own figures as the timeliness baseline (the assumed load curve is "
                "used instead)",
            )
            for code in ("M8-QL", "EH4-QL", "CP8-QL")
        ),
    ),
    "workforce": (
        Part(
            ("M1",),
            "the MASH team's workload and the baseline every team is projected on (it starts at contacts)",
            "required",
            key="mash",
        ),
        Part(("EH3",), "the assessment team's workload", key="assessment"),
        Part(("EH2", "CP6B"), "the CIN/CP team's caseload", key="cin_cp"),
        Part(("LAC1",), "the looked-after children team's caseload", key="lac"),
        Part(("M8-QL",), "MASH timeliness and the MASH staff needed for a timeliness target"),
        Part(("EH4-QL",), "assessment timeliness and the assessment staff needed for a timeliness target"),
        Part(("CP8-QL",), "CP visit timeliness and the CIN/CP staff needed for a timeliness target"),
    ),
    "finance": (
        Part(("LAC1",), "placements and their cost (they are shares of looked-after children)", "required"),
        Part(
            ("M1",),
            "the comparison with a scenario (the levers act on contacts at the front door)",
            key="scenario",
        ),
        Part(("LAC9 (val)",), "the IFA share from your data (the assumed share_ifa is used instead)"),
        Part(("LAC16",), "the in-house fostering share from your data (the assumed share is used instead)"),
    ),
}


@dataclass(frozen=True)
class Coverage:
    """Which parts of `capability` the data set cannot supply (`missing`: (part, codes it lacks))."""

    capability: str
    missing: tuple[tuple[Part, tuple[str, ...]], ...]
    usable: bool
    catalogue: object = None

    def has(self, key: str) -> bool:
        """True when the data set supplies every indicator of the part with this key."""
        return not any(part.key == key for part, _ in self.missing)

    @property
    def missing_codes(self) -> list[str]:
        """Every indicator the capability reads that the data set lacks, once each, in the order of the
        parts."""
        return list(dict.fromkeys(code for _, codes in self.missing for code in codes))

    def message(self) -> str:
        """Plain words for the page: what cannot be shown and which indicators (words and code) are
        missing."""
        if not self.missing:
            return ""
        lines = [
            f"- without {_join([indicator_words(c, self.catalogue) for c in codes])}: {part.gives}"
            for part, codes in self.missing
        ]
        if self.usable:
            head = "This data set lacks some indicators this page uses, so these parts are left out:"
        else:
            head = (
                "This page cannot be drawn from this data set: it needs these, which the data set lacks. "
                "Upload a scorecard that has them on the Data page."
            )
        return "\n".join([head, *lines])


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def coverage(dataset, capability: str) -> Coverage:
    """The parts of `capability` that `dataset` cannot supply, and whether anything can be drawn (module
    doc)."""
    if capability not in CAPABILITIES:
        raise ValueError(f"unknown capability {capability!r}; choose from {', '.join(CAPABILITIES)}")
    present = set(dataset.observations.dropna(subset=["y"])["unique_id"])
    parts = CAPABILITIES[capability]
    missing = tuple(
        (part, tuple(c for c in part.codes if c not in present))
        for part in parts
        if any(c not in present for c in part.codes)
    )
    usable = not any(part.role == "required" for part, _ in missing)
    if not usable:  # a page that cannot be drawn names only what it needs, not every optional extra
        missing = tuple((p, c) for p, c in missing if p.role == "required")
    return Coverage(capability, missing, usable, getattr(dataset, "indicators", None))
