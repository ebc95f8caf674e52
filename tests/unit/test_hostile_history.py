"""A corrupted history.jsonl (restored from elsewhere, edited, cut short) costs one warning:
its bad lines are skipped, the run's verdict and exit code are its own, conformance.html is
written."""

from __future__ import annotations

import json

import pytest
from support.corrupt_history import CORRUPTIONS, GOOD, LATER, _history

from webapi_contract.reports import CONFORMANCE_HTML, could_not_run, publish
from webapi_contract.reports.history import HISTORY_FILE, load, read


@pytest.mark.parametrize("bad", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_a_bad_line_is_skipped_with_one_warning(bad, tmp_path, capsys):
    path = _history(tmp_path, bad)
    runs = load(path)
    assert runs == [GOOD, LATER]
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"webapi-contract: warning: {path}: skipped 1 unreadable or malformed line(s) of the "
        "run history"
    ]


def test_every_bad_line_is_counted_once_and_dropped_from_the_file(tmp_path, capsys):
    path = tmp_path / HISTORY_FILE
    path.write_bytes(b"\n".join([*CORRUPTIONS.values(), json.dumps(GOOD).encode()]))  # no EOL
    assert read(path) == ([GOOD], len(CORRUPTIONS))
    publish(tmp_path, could_not_run(target={}, started="2026-01-03T00:00:00Z", problem="p"))
    assert f"skipped {len(CORRUPTIONS)} unreadable" in capsys.readouterr().err
    assert (tmp_path / CONFORMANCE_HTML).is_file()
    runs, skipped = read(path)
    assert (len(runs), skipped) == (2, 0)  # the good run and this one, nothing else kept


def test_a_history_that_cannot_be_written_still_gives_the_page(tmp_path, capsys):
    (tmp_path / HISTORY_FILE).mkdir()  # not a file at all
    publish(tmp_path, could_not_run(target={}, started="2026-01-03T00:00:00Z", problem="p"))
    err = capsys.readouterr().err
    assert "the run history was not updated" in err
    assert (tmp_path / CONFORMANCE_HTML).is_file()
