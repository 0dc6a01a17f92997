"""Random several-authority 903 files (seeded): bad dates, blank children, ends before starts, unknown codes,
blank LAs, a header table or none. Whatever the mix, the reader never fails unexpectedly, an authority is
either used or refused (never both), every refused authority has blocking errors located on its own rows,
and every used authority's rows hold no blocking error."""

from __future__ import annotations

import random

import pytest

from forecasting.data.panel import panel_from_903
from forecasting.data.ssda903 import SINGLE_AUTHORITY
from forecasting.data.ssda903_load import load_903

BAD = ["", "99/99/2017", "x", "31/02/2017", "2017-13-01", "01/01/1800", "=cmd()"]
HEAD = "LA,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"


def _case(rng: random.Random) -> tuple[list[tuple[str, bytes]], dict[int, str]]:
    """(files, episodes file row -> authority)."""
    rows, owner = [HEAD], {}
    for la in ("North", "South", "East", ""):
        for child in range(rng.randint(0, 4)):
            decom = rng.choice(["10/04/2017", "01/05/2017"] + [rng.choice(BAD)] * (rng.random() < 0.2))
            dec = rng.choice(["", "15/06/2017", "01/01/2017"] + [rng.choice(BAD)] * (rng.random() < 0.2))
            place, rec = rng.choice(["U4", "K2", "ZZ"]), rng.choice(["E4A", "", "X1"])
            rows.append(f"{la},{rng.choice([child, '', 'A|B'])},{decom},S,C2,N1,{place},PR4,{dec},{rec}")
            owner[len(rows)] = la or SINGLE_AUTHORITY
    files = [("episodes.csv", "\n".join(rows).encode())]
    if rng.random() < 0.8:
        header = "LA,CHILD,SEX,DOB\n" + "".join(f"{la},{c},1,{rng.choice(['01/01/2010', 'bad', ''])}\n"
                                                for la in ("North", "South") for c in range(3))
        files.append(("header.csv", header.encode()))
    return files, owner


@pytest.mark.parametrize("seed", range(60))  # ~0.2 s each
def test_each_authority_is_used_or_refused_on_its_own_rows(seed):
    files, owner = _case(random.Random(seed))
    loaded = load_903(files)
    assert not any(p.code == "unexpected" for p in loaded.report.problems), loaded.report.as_text()
    assert not set(loaded.datasets) & set(loaded.refused)
    assert loaded.ok == bool(loaded.datasets)
    for authority, report in loaded.refused.items():
        assert report.errors
        for problem in report.errors:
            if problem.file == "episodes.csv" and problem.row is not None:
                assert owner[problem.row] == authority
    for authority in loaded.datasets:
        assert loaded.checked[authority].ok
    panel = panel_from_903(loaded)
    assert panel.as_text() and sorted(panel.datasets) == sorted(loaded.datasets)
