"""One table of lever words (`planning.levers.LEVER_LABELS`), used by the package and the app alike."""
from __future__ import annotations

from forecasting.planning import GROUP_LABELS, LEVER_LABELS, LEVERS, lever_words
from forecasting.planning.levers import LEVER_GROUPS


def test_every_lever_and_group_has_words_and_no_code_is_a_label():
    assert set(LEVER_LABELS) == set(LEVERS) and set(GROUP_LABELS) == set(LEVER_GROUPS)
    assert all("_" not in words and words[:1].isupper() for words in LEVER_LABELS.values())
    assert len(set(LEVER_LABELS.values())) == len(LEVER_LABELS)      # no two levers read the same


def test_lever_words_rules():
    assert lever_words("edge_of_care_extra_exits") == "Extra exits from care"
    assert lever_words("edge_of_care") == "Edge of care"            # a group
    assert lever_words("not_a_lever") == "not a lever"              # unknown: the code with spaces

