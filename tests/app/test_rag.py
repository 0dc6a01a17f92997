"""RAG in colour and words (ui/rag.py): each status has words, a colour and a shape; tables keep the words."""

import pandas as pd

from ui.rag import rag_badge, rag_columns, rag_words, style_rag


def test_words_for_every_status_and_blank():
    assert rag_words("Green") == "Green: likely to meet"
    assert rag_words("amber") == "Amber: at risk"
    assert rag_words(" Red ") == "Red: likely to miss"
    assert rag_words("Grey") == "Grey: not assessed"
    assert rag_words(None) == "no target"
    assert rag_words(float("nan")) == "no target"
    assert rag_words("") == "no target"
    # already in words: unchanged
    assert rag_words("Green: likely to meet") == "Green: likely to meet"


def test_badge_has_colour_shape_and_words():
    assert rag_badge("Green") == ":green-badge[:material/check_circle: Green: likely to meet]"
    assert rag_badge("Amber") == ":orange-badge[:material/warning: Amber: at risk]"
    assert rag_badge("Red") == ":red-badge[:material/cancel: Red: likely to miss]"
    assert rag_badge(None) == ":gray-badge[no target]"


def test_styler_colours_rag_cells_only_and_keeps_words():
    frame = pd.DataFrame(
        {"measure": ["A", "B", "C"], "rag_2019_20": ["Green", "Red", None], "value": [1, 2, 3]}
    )
    assert rag_columns(frame) == ["rag_2019_20"]
    styler = style_rag(frame)
    html = styler.to_html()
    assert "Green: likely to meet" in html and "Red: likely to miss" in html and "no target" in html
    assert "#d4edda" in html and "#f8d0d0" in html
    # the frame given is not changed
    assert frame["rag_2019_20"].tolist()[:2] == ["Green", "Red"]
    # the other columns are not coloured: exactly two coloured cells (the blank one has no style)
    assert html.count("background-color") == 2
