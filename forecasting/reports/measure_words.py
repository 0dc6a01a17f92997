"""Scenario measures in words with their unit, for tables people read (the scenario sheet, its CSV in words).

`measure_words("lac")` -> "Children in care (count at month end)"; team measures read their team
(`caseload_cin_cp` -> "Cases per social worker: children in need and child protection (cases per FTE)");
`lac_change_<lever>` names the lever group; scorecard codes (M8-QL) keep their code after the words; a
measure not listed is read aloud from its name (`header_words(..., spell_out=True)`). The measure codes
themselves stay the data contract of the command line's CSV (`measure` column), documented in the README.
"""
from __future__ import annotations

__all__ = ["MEASURE_WORDS", "measure_words"]

_A_MONTH = "(number in the month)"
_COUNT = "(count at month end)"
MEASURE_WORDS: dict[str, str] = {
    "contacts": f"Contacts {_A_MONTH}",
    "referrals": f"Referrals {_A_MONTH}",
    "assessments": f"Assessments completed {_A_MONTH}",
    "s47_enquiries": f"Section 47 enquiries {_A_MONTH}",
    "icpc": f"Initial child protection conferences {_A_MONTH}",
    "new_cp_plans": f"New child protection plans {_A_MONTH}",
    "cp_plans_ended": f"Child protection plans ended {_A_MONTH}",
    "cp_plans": f"Children on child protection plans {_COUNT}",
    "cin_starts": f"Children in need cases opened {_A_MONTH}",
    "cin_closed": f"Children in need cases closed {_A_MONTH}",
    "cin_open": f"Open children in need cases {_COUNT}",
    "lac_starts": f"Children starting care {_A_MONTH}",
    "lac_ceased": f"Children leaving care {_A_MONTH}",
    "lac_ceased_adoption": f"Children leaving care by adoption {_A_MONTH}",
    "lac_ceased_sgo": f"Children leaving care by special guardianship order {_A_MONTH}",
    "lac": f"Children in care {_COUNT}",
    "ifa_children": f"Children with independent fostering agencies {_COUNT}",
    "in_house_fostering_children": f"Children with the council's own foster carers {_COUNT}",
    "early_help_assessments": f"Universal Help Assessments completed (EH1c) {_A_MONTH}",
    "early_help_plans": f"Universal Help Plans opened (EH1b) {_A_MONTH}",
    "early_help_extra_open": f"Extra families open to Early Help from the step-down {_COUNT}",
    "screened_out_mash": f"Contacts screened out at the front door on the day {_A_MONTH}",
    "filled_fte": "Social workers in post (FTE)",
    "vacancies_fte": "Vacant social worker posts (FTE)",
    "agency_fte": "Agency social workers (FTE)",
    "placement_cost": "Placement spend (£ in the month)",
    "staffing_cost": "Staffing cost, managers and support included (£ in the month)",
    "delivery_cost": "Cost of delivering the plan's services (£ in the month)",
    "allowances_cost": "Special guardianship and adoption allowances (£ in the month)",
    "net_cost": "Net cost: placements, staffing, delivery and allowances (£ in the month)",
    "M8-QL": "MASH decisions within 24 hours (M8-QL, %)",
    "EH4-QL": "Single assessments within 45 working days (EH4-QL, %)",
    "CP8-QL": "Children on plans seen within 15 working days (CP8-QL, %)",
}
_TEAMS = {"mash": "MASH (the front door)", "assessment": "assessment", "cin_cp": "children in need and child "
          "protection", "lac": "children in care", "early_help": "Early Help", "total": "all teams"}
_BY_TEAM = {
    "caseload_": "Cases per social worker: {team} (cases per FTE)",
    "backlog_": "Work waiting at month end: {team} (cases)",
    "fte_gap_": "Social workers short of the need: {team} (FTE)",
    "triaged_": "Work triaged: {team} " + _A_MONTH,
}
_LEVER_GROUPS = {"demand_shock": "the demand shock", "early_help": "the Early Help step-down",
                 "edge_of_care_entries": "edge-of-care entries avoided",
                 "edge_of_care_exits": "edge-of-care extra exits"}


def measure_words(code: object) -> str:
    """A scenario measure in words with its unit (module docstring); unknown codes read aloud."""
    from forecasting.reports.words import header_words

    text = str(code)
    if text in MEASURE_WORDS:
        return MEASURE_WORDS[text]
    for prefix, words in _BY_TEAM.items():
        team = text.removeprefix(prefix)
        if text.startswith(prefix) and team in _TEAMS:
            return words.format(team=_TEAMS[team])
    if text.startswith("lac_change_") and text.removeprefix("lac_change_") in _LEVER_GROUPS:
        return f"Change in children in care from {_LEVER_GROUPS[text.removeprefix('lac_change_')]} (count)"
    return header_words(text, spell_out=True)
