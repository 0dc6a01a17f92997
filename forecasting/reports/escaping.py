"""Showing user text (file names, indicator and authority names, notes) as text, never as markup.

Three places interpret text: Markdown (Streamlit's st.markdown/st.success/st.error ... and Markdown files
such as the back-test summary spliced into the README), plotly's titles and legend names (a subset of HTML:
`<a href>` becomes a live link) and HTML reports. Each function returns text that renders as exactly the
characters given:
- `markdown_text`: backslash before every character that can start Markdown, Streamlit or HTML markup
  (links, images, emphasis, code, headings, tables, math, colour and emoji directives, tags) and before the
  dot of `www.` and the `@` of an e-mail address, so no address becomes a link. Hyphens and dots elsewhere
  are left alone, so ordinary names read unchanged in the source.
- `markdown_cell`: the same for one cell of a Markdown table in a file, with HTML entities for < > & (which
  every renderer honours) and line breaks as spaces.
- `chart_text`: < > & as HTML entities, which plotly shows as the characters.
"""
from __future__ import annotations

import html
import re

__all__ = ["chart_text", "markdown_cell", "markdown_text"]

MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~$:@])")
LIST_START = re.compile(r"^(\s*)(-|\d+(?=[.)]))")  # "- x" or "1. x" at the start would be a list
WWW = re.compile(r"(?i)(www)\.")


def markdown_text(text: object) -> str:
    """`text` escaped for Markdown (Streamlit): shown literally, no link, tag, emphasis or directive."""
    escaped = MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    escaped = WWW.sub(r"\1\\.", escaped)
    escaped = LIST_START.sub(lambda m: m[1] + "\\" + m[2] if m[2] == "-" else m[1] + m[2] + "\\", escaped)
    return escaped.replace("\r", " ").replace("\n", " ")


def markdown_cell(text: object) -> str:
    """`text` for one cell of a Markdown table written to a file (README, summaries)."""
    escaped = html.escape(str(text), quote=False)
    escaped = re.sub(r"([\\`*_\[\]|~])", r"\\\1", escaped)
    escaped = WWW.sub(r"\1\\.", escaped).replace("@", "&#64;").replace(":", "&#58;")
    return " ".join(escaped.split())


def chart_text(text: object) -> str:
    """`text` for a plotly title, annotation or legend name: tags shown, not followed."""
    return html.escape(str(text), quote=False)
