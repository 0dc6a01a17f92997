"""`workforce --set NAME=NUMBER` changes a queue rule (backlog ceiling, triage threshold and share) with a
plain error for an unknown name, a non-number or a value outside the rule's range."""

from forecasting.cli import main


def test_queue_rules_are_checked_in_words(tmp_path, capsys):
    out = str(tmp_path / "a.csv")
    assert main(["workforce", "--out", out, "--set", "salary_social_worker=1"]) == 2
    assert "NAME one of backlog_ceiling_months, triage_threshold_months, triage_screen_out_pct" in (
        capsys.readouterr().err)  # fmt: skip
    assert main(["workforce", "--out", out, "--set", "triage_screen_out_pct=lots"]) == 2
    assert "'lots' is not a number" in capsys.readouterr().err
    assert main(["workforce", "--out", out, "--set", "triage_screen_out_pct=80"]) == 2
    err = capsys.readouterr().err
    assert "outside its plausible range 0..50" in err and "Traceback" not in err
