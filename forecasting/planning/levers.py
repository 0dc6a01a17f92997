"""The scenario levers: what a user can change, in which unit, its neutral value, plausible range and source.

Every lever is a `LeverSpec`. The neutral value leaves the statistical baseline untouched (a scenario with
every lever neutral equals the baseline exactly). Ranges are the plausible band from the cited evidence or,
where no public figure exists, a stated assumption. Percent levers are in 0-100, never fractions.

Month levers (`*_start`) are `YYYY-MM` strings; `None` means "the first forecast month".

`EVIDENCE` gives each effect lever whose size is uncertain a central value and a low-high evidence band
with its grade and source (`evidence_table()` lists them); the shipped scenarios use the central values.

`ramp(months, start, ramp_months)` is the shared ramp-up rule: 0 before `start`, then rising linearly to 1
over `ramp_months` months (the first month at 1/ramp_months), 1 after; `ramp_months = 0` means full effect at
once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["EVIDENCE", "GROUP_LABELS", "LEVERS", "LEVER_GROUPS", "LEVER_LABELS", "Evidence", "LeverSpec",
           "edge_of_care_scale", "evidence_table", "lever_table", "lever_words", "ramp", "window"]


@dataclass(frozen=True)
class LeverSpec:
    name: str
    group: str            # early_help, edge_of_care, workforce, placement_mix, demand_shock
    unit: str
    neutral: float | str | None
    low: float | None
    high: float | None
    default: float | str | None   # a sensible non-neutral value used by the shipped scenario files
    description: str
    source: str
    monotone: str = ""    # for goal-seek: which measure the lever moves and which way ("lower LAC1")


def _spec(*args, **kwargs) -> LeverSpec:
    return LeverSpec(*args, **kwargs)


_ASSUMPTION = "Assumption (no public figure found); change it to your local evidence."

LEVERS: dict[str, LeverSpec] = {s.name: s for s in [
    # ---- Early Help step-down at the front door
    _spec("early_help_diversion_pct", "early_help", "percent of contacts", 0.0, 0.0, 40.0, 15.0,
          "Share of contacts stepped down to Early Help instead of the MASH (when fully ramped up). Diverted "
          "contacts are lower-need: they would have become referrals at half (the lower-need conversion, "
          "50%, an assumption) of the calibrated contact-to-referral conversion (M3).",
          "Range: assumption. For scale, England contact-to-referral conversion was about 23-26% in 2019-22 "
          "(ADCS Safeguarding Pressures P7-P8), so 40% of contacts is well beyond any diversion reported.",
          "fewer M2"),
    _spec("early_help_start", "early_help", "month (YYYY-MM)", None, None, None, "2018-09",
          "First month of the step-down.", _ASSUMPTION),
    _spec("early_help_ramp_months", "early_help", "months", 3.0, 0.0, 24.0, 3.0,
          "Months for the step-down to reach its full share.",
          "Assumption; the Chair's summary (May 2018) expects targeted services to 'increase activity over "
          "the next 3 months'."),
    _spec("early_help_leakage_pct", "early_help", "percent of diverted referrals", 23.0, 0.0, 100.0, 23.0,
          "Share of the diverted would-be referrals that come back as re-referrals later.",
          "Proxy: England re-referral rate within 12 months, 23% in 2018/19 (DfE Characteristics of children "
          "in need, 2019)."),
    _spec("early_help_leakage_lag_months", "early_help", "months", 6.0, 1.0, 12.0, 6.0,
          "Months between the step-down and the re-referral for children who come back.", _ASSUMPTION),
    _spec("early_help_downstream_pct", "early_help", "percent of an average referral's risk",
          50.0, 0.0, 100.0, 50.0,
          "How likely a stepped-down family's would-be referral was to go on to an S47 enquiry, a CP plan or "
          "care, relative to an average referral (100 = just as likely). Step-down targets lower-need "
          "families.",
          _ASSUMPTION + " The Chair's summary (May 2018) expects CIN to fall with the 0-19 offer but the CP "
                        "cohort to 'reduce more slowly'."),
    _spec("early_help_plan_pct", "early_help", "percent of stepped-down contacts", 40.0, 0.0, 100.0, 40.0,
          "Share of stepped-down contacts that open an Early Help plan (the rest get advice or signposting).",
          _ASSUMPTION + " For scale, the scorecard shows 70-170 Universal Help Plans opened a month (EH1b)."),
    _spec("early_help_assessment_pct", "early_help", "percent of stepped-down contacts",
          10.0, 0.0, 100.0, 10.0,
          "Share of stepped-down contacts whose family completes a Universal Help Assessment (EH1c) in the "
          "month of the step-down (the rest are helped without one).",
          _ASSUMPTION + " For scale, the scorecard shows 1-33 Universal Help Assessments completed a month "
                        "(EH1c, Jun-17 to Jun-18) against 66-167 plans opened (EH1b), about 1 assessment per "
                        "7 plans; 10% of stepped-down contacts is about a quarter of the 40% who open a "
                        "plan."),
    _spec("early_help_episode_months", "early_help", "months", 6.0, 1.0, 24.0, 6.0,
          "How long a stepped-down family stays open to Early Help (sets the extra Early Help caseload).",
          _ASSUMPTION),
    # ---- Edge of care
    _spec("edge_of_care_entry_reduction", "edge_of_care", "percent of entries to care", 0.0, 0.0, 39.0, 10.0,
          "Share of new entries to care (LAC2) avoided by the edge-of-care service when fully ramped up.",
          "Upper end: CCN/Newton 'Future of Children's Social Care' (2022) judged up to 39% of entries "
          "avoidable (claim, case reviews). Family Group Conferences RCT: in care at 12 months 36.2% vs "
          "44.8%, a 19% relative reduction (Taylor et al., BJSW 2024).", "lower LAC1"),
    _spec("edge_of_care_extra_exits", "edge_of_care", "children per month", 0.0, 0.0, 10.0, 1.0,
          "Extra planned exits from care per month (reunification, special guardianship) when fully ramped "
          "up. Some come back into care by their route's re-entry rate (parameters reentry_*).",
          _ASSUMPTION + " For scale, the scorecard shows about 16 children ceasing care a month (LAC4, "
          "2017-18).", "lower LAC1"),
    _spec("edge_of_care_start", "edge_of_care", "month (YYYY-MM)", None, None, None, "2018-09",
          "First month of the edge-of-care effect.", _ASSUMPTION),
    _spec("edge_of_care_ramp_months", "edge_of_care", "months", 6.0, 0.0, 24.0, 6.0,
          "Months for the edge-of-care effect to reach full strength.", _ASSUMPTION),
    # ---- Workforce
    _spec("recruits_fte", "workforce", "FTE social workers", 0.0, 0.0, 40.0, 8.0,
          "Social workers recruited (full-time equivalent). They fill vacant posts no agency worker covers "
          "first, then take over posts held by agency workers (who hand over as the recruit ramps up), then "
          "add posts to the establishment.",
          "Range: assumption. The Chair's summary (May 2018) reports vacancies cut from 22 to 11 after a "
          "recruitment event, with another planned for September.", "lower caseload"),
    _spec("recruits_team", "workforce", "team", "cin_cp", None, None, "cin_cp",
          "Team the recruits join: front door (MASH), assessment, CIN/CP or looked-after children (LAC).",
          _ASSUMPTION),
    _spec("recruits_start", "workforce", "month (YYYY-MM)", None, None, None, "2018-10",
          "Month the recruits start.", _ASSUMPTION),
    _spec("recruits_months_to_full_caseload", "workforce", "months", 6.0, 0.0, 12.0, 6.0,
          "Months for a recruit to carry a full caseload (newly qualified social workers carry a protected "
          "caseload in their first year).", _ASSUMPTION, ""),
    _spec("agency_fte_change", "workforce", "FTE", 0.0, -40.0, 40.0, 0.0,
          "Change in agency social workers covering vacancies (negative = release agency staff).",
          "For scale: agency rate about 17.8% of social workers in England, 2023 (DfE workforce statistics).",
          "lower caseload"),
    _spec("vacancy_fte_change", "workforce", "FTE", 0.0, -40.0, 40.0, 0.0,
          "Change in vacant posts left uncovered (positive = more vacancies, fewer staff).",
          "For scale: vacancy rate 17% in England, 2017 (DfE workforce statistics)."),
    _spec("turnover_pct_change", "workforce", "percentage points a year", 0.0, 0.0, 15.0, 0.0,
          "Extra annual social-worker turnover whose leavers are NOT replaced (0 = leavers replaced as now); "
          "the unreplaced leavers leave vacancies, reducing FTE month by month.",
          "For scale: turnover 15% a year in England, 2017 (DfE workforce statistics)."),
    # ---- Placement mix
    _spec("extra_in_house_carers", "placement_mix", "foster carers", 0.0, 0.0, 60.0, 10.0,
          "Extra in-house foster carers recruited (LAC16), each taking a child who would otherwise be in an "
          "Independent Fostering Agency placement (LAC9).",
          "Range: assumption; Southampton had about 170 in-house carers in 2017-18 (LAC16).", "lower cost"),
    _spec("in_house_carers_start", "placement_mix", "month (YYYY-MM)", None, None, None, "2018-10",
          "Month the first extra in-house carers are approved.", _ASSUMPTION),
    _spec("in_house_carers_ramp_months", "placement_mix", "months", 12.0, 0.0, 24.0, 12.0,
          "Months to approve all the extra carers (approved evenly over the period).",
          _ASSUMPTION + " Fostering assessments usually take several months each."),
    # ---- Demand shock
    _spec("demand_shock_pct", "demand_shock", "percent of contacts", 0.0, -30.0, 50.0, 10.0,
          "Change in contacts during the shock (e.g. a serious case review or a new partner referral route).",
          "Range: assumption. For scale, closing schools cut referrals by about 16% in 2020 (DfE Vulnerable "
          "children survey)."),
    _spec("demand_shock_start", "demand_shock", "month (YYYY-MM)", None, None, None, "2018-10",
          "First month of the shock.", _ASSUMPTION),
    _spec("demand_shock_months", "demand_shock", "months", 0.0, 0.0, 21.0, 6.0,
          "Length of the shock in months.", _ASSUMPTION),
]}


@dataclass(frozen=True)
class Evidence:
    """What the evidence says about an effect lever: a central value and a low-high band in the lever's unit,
    with its grade and source. Used twice: the scenario is simulated over the band (`effect_draws`), scaled to
    the value the user chose, and a value outside the band is flagged in words (`plausibility`).

    `grade` in plain words: "randomised trial", "quasi-experimental", "claim" (programme or consultancy
    report), "official statistics", "derived" or "assumption". `scale_words` puts the lever in proportion
    ("the children who leave care in a typical month"); `beyond` says what, if anything, reports more.
    """

    lever: str
    central: float
    low: float
    high: float
    grade: str
    source: str
    beyond: str = ""
    optimistic: str = "high"    # which side of the band claims more effect ("high" or "low")

    def __post_init__(self):
        if not self.low <= self.central <= self.high:
            raise ValueError(f"evidence for {self.lever}: expected low <= central <= high, got "
                             f"{self.low} / {self.central} / {self.high}")

    def relative_band(self) -> tuple[float, float]:
        """(low / central, high / central): the band as multiples of the central value."""
        return self.low / self.central, self.high / self.central


# Effect levers whose size is uncertain. Levers that are decisions (how many social workers to recruit, how
# many carers to approve, how many contacts to step down) or a what-if (a demand shock) have no band: their
# effect is what the user sets.
EVIDENCE: dict[str, Evidence] = {e.lever: e for e in [
    Evidence("edge_of_care_entry_reduction", 10.0, 5.0, 19.0,
             "randomised trial for one programme at pre-proceedings; its share of all entries is an "
             "assumption",
             "Family Group Conferences at pre-proceedings, RCT of 2,548 children: in care at 12 months "
             "36.2% vs 44.8%, a 19% relative reduction (Taylor et al., BJSW 2024; Foundations 2023). That "
             "cohort is only part of all entries (emergency and voluntary entries, unaccompanied children "
             "do not pass through pre-proceedings); with an assumed half of entries reached, about 10% of "
             "all entries (central); a quarter reached gives 5%, every entry 19% (the whole trial effect).",
             "only claims go further: up to 39% of entries judged avoidable in case reviews (CCN/Newton, "
             "Future of Children's Social Care, 2022) and 18% fewer looked-after children for No Wrong "
             "Door (North Yorkshire CC)"),
    Evidence("edge_of_care_extra_exits", 1.0, 0.0, 3.0, "assumption scaled to a randomised trial",
             "Assumption. No published evaluation reports extra exits from care as a count. The FGC RCT "
             "(Taylor et al., BJSW 2024) found 87 vs 115 days in care over 12 months, about a quarter "
             "shorter stays; 3 extra exits a month is about a fifth more than the 16 children who leave "
             "care in a typical month here (LAC4, 2017-18), taken as the top of the band, 1 a month as "
             "central, none as the bottom.",
             "no published evaluation reports more than about a quarter shorter stays in care (FGC RCT: 87"
             " vs 115 days in care over 12 months)"),
    Evidence("early_help_downstream_pct", 50.0, 25.0, 100.0, "assumption",
             "Assumption: stepped-down families are lower-need, so their would-be referrals carried half an"
             " average referral's risk of going on to S47, a CP plan or care (central), between a quarter "
             "and all of it. The Chair's summary (May 2018) expects the CP cohort to 'reduce more slowly' "
             "than CIN.",
             optimistic="low"),
    Evidence("early_help_leakage_pct", 23.0, 15.0, 35.0, "official statistics used as a proxy",
             "England re-referral rate within 12 months: 23% in 2018/19, 22.6% in 2024/25 (DfE "
             "Characteristics of children in need; EES C1), used as a proxy for stepped-down families coming"
             " back; the band "
             "(15-35%) is an assumption for how far a stepped-down group may differ.", optimistic="low"),
]}


LEVER_GROUPS: tuple[str, ...] = ("early_help", "edge_of_care", "workforce", "placement_mix", "demand_shock")
#: every lever in words: pages, goal-seek answers, the command line and reports name a lever this way
LEVER_LABELS: dict[str, str] = {
    "early_help_diversion_pct": "Contacts stepped down to Early Help",
    "early_help_start": "Step-down starts",
    "early_help_ramp_months": "Months to reach the full step-down",
    "early_help_leakage_pct": "Stepped-down families referred again later",
    "early_help_leakage_lag_months": "Months before they are referred again",
    "early_help_downstream_pct": "Their risk of S47, a plan or care, against an average referral",
    "early_help_plan_pct": "Stepped-down contacts that open an Early Help plan",
    "early_help_assessment_pct": "Stepped-down contacts with a Universal Help Assessment",
    "early_help_episode_months": "Months a stepped-down family stays open to Early Help",
    "edge_of_care_entry_reduction": "Entries to care avoided",
    "edge_of_care_extra_exits": "Extra exits from care",
    "edge_of_care_start": "Edge-of-care service starts",
    "edge_of_care_ramp_months": "Months for the edge-of-care effect to reach full strength",
    "recruits_fte": "Social workers recruited",
    "recruits_team": "Team the recruits join",
    "recruits_start": "Recruits start",
    "recruits_months_to_full_caseload": "Months for a recruit to carry a full caseload",
    "agency_fte_change": "Change in agency social workers",
    "vacancy_fte_change": "Change in vacant posts left uncovered",
    "turnover_pct_change": "Extra turnover whose leavers are not replaced",
    "extra_in_house_carers": "Extra in-house foster carers",
    "in_house_carers_start": "First extra carers approved",
    "in_house_carers_ramp_months": "Months to approve all the extra carers",
    "demand_shock_pct": "Change in contacts during the shock",
    "demand_shock_start": "Shock starts",
    "demand_shock_months": "Length of the shock",
}
#: each lever group in words (tabs, the decomposition's rows)
GROUP_LABELS: dict[str, str] = {
    "early_help": "Early Help step-down",
    "edge_of_care": "Edge of care",
    "workforce": "Social workers",
    "placement_mix": "Placement mix (in-house foster carers)",
    "demand_shock": "Demand shock",
}


def lever_words(name: str) -> str:
    """A lever (or lever group) in words; a name in neither table: its code with spaces."""
    return LEVER_LABELS.get(name) or GROUP_LABELS.get(name) or str(name).replace("_", " ")
MONTH_UNIT = "month (YYYY-MM)"
TEAMS: tuple[str, ...] = ("mash", "assessment", "cin_cp", "lac")


def lever_table() -> pd.DataFrame:
    """Every lever as a row: name, group, unit, neutral, low, high, description, source (for
    display/export)."""
    return pd.DataFrame([{k: getattr(s, k) for k in ("name", "group", "unit", "neutral", "low", "high",
                                                        "description", "source")} for s in LEVERS.values()])


def evidence_table() -> pd.DataFrame:
    """Every effect lever's evidence as a row: lever, unit, central, low, high, grade, source."""
    return pd.DataFrame([{"lever": e.lever, "unit": LEVERS[e.lever].unit, "central": e.central, "low": e.low,
                          "high": e.high, "grade": e.grade, "source": e.source} for e in EVIDENCE.values()],
                        columns=["lever", "unit", "central", "low", "high", "grade", "source"])


def ramp(months: pd.DatetimeIndex, start: pd.Timestamp, ramp_months: float) -> np.ndarray:
    """0 before `start`; then k/ramp_months in the k-th month from start (k = 1, 2, ...), capped at 1.

    With `ramp_months` <= 0 the effect is full (1) from `start`.
    """
    k = _months_from(months, start) + 1.0  # 1 in the start month
    if ramp_months <= 0:
        return (k >= 1).astype(float)
    return np.clip(k / float(ramp_months), 0.0, 1.0)


def window(months: pd.DatetimeIndex, start: pd.Timestamp, n_months: float) -> np.ndarray:
    """1 for the `n_months` months from `start`, else 0."""
    k = _months_from(months, start)
    return ((k >= 0) & (k < n_months)).astype(float)


def _months_from(months: pd.DatetimeIndex, start: pd.Timestamp) -> np.ndarray:
    """Whole calendar months from `start`'s month to each of `months` (0 in the start month), as floats."""
    index = np.asarray(pd.DatetimeIndex(months).values).astype("datetime64[M]").astype(np.int64)
    start = pd.Timestamp(start)
    first = (start.year - 1970) * 12 + start.month - 1          # the same count: months since Jan 1970
    return (index - first).astype(float)


def edge_of_care_scale(levers, share_entries_pct: float) -> float:
    """How big the edge-of-care service must be for the effect the levers ask of it, relative to the service
    costed at the central evidence values (10% of entries avoided, 1 extra exit a month): 1 there, 0 with both
    levers off, growing in proportion to each lever. `share_entries_pct` (parameter
    edge_of_care_cost_share_entries_pct) is the share of that central service's work spent avoiding entries:
        scale = w x entry_reduction / 10 + (1 - w) x extra_exits / 1,   w = share_entries_pct / 100.
    A plan cost that multiplies the service's running cost by this grows with the effect, so the cheapest
    combination of two levers is no longer the largest one."""
    weight = min(max(float(share_entries_pct), 0.0), 100.0) / 100.0
    entries = EVIDENCE["edge_of_care_entry_reduction"].central
    exits = EVIDENCE["edge_of_care_extra_exits"].central
    return (weight * float(levers.edge_of_care_entry_reduction) / entries
            + (1.0 - weight) * float(levers.edge_of_care_extra_exits) / exits)
