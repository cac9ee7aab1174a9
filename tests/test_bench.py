"""`make bench` counts the test run's time among its targets: a slow or failed run is a miss."""

from __future__ import annotations

from edition import bench


MEASURED = ["page_html_bytes", "site_bytes", "reader_download_bytes", "plotly_bundle_bytes", "third_party_requests",
            "layout_shift", "figure_drawn_s"]


def report_of(run: dict) -> dict:
    """A bench report whose every measure is met but the test run's, which is `run`."""
    return {"targets": bench.TARGETS, "clean_build_s": None, "cached_rebuild_s": None, "make_test": run,
            "page_html_bytes": {"index": 1000}, "site_bytes": 1, "reader_download_bytes": 1,
            "reader_download_gzip_bytes": 1, "reader_download_files": 1, "plotly_bundle_bytes": 1,
            "third_party_requests": 0,
            "pages": {"index": {"layout_shift_desktop": 0.0, "layout_shift_phone": 0.0}},
            "met": {**dict.fromkeys(MEASURED, True), "make_test_min": bench.test_run_met(run)},
            "machine": {"cpus": 2, "load_average_start": [0.1, 0, 0], "load_average": [0.1, 0, 0]}}


def test_the_test_run_is_a_target_met_only_when_it_passed_in_time() -> None:
    fast = {"seconds": 170.0, "exit_status": 0, "tests": 10, "finished": "2026-11-29T12:00:00Z",
            "load_average": [1.0, 1.0, 1.0]}
    assert bench.test_run_met(fast)
    assert not bench.test_run_met(dict(fast, seconds=181.0))
    assert not bench.test_run_met(dict(fast, exit_status=1))
    # under make, the whole command counts: a quick pytest after a slow book check misses
    assert bench.test_run_met(dict(fast, make_seconds=178.0))
    assert not bench.test_run_met(dict(fast, make_seconds=190.0))
    assert "timed: make test, pytest 170 s) | 3.2 min |" in bench.table(report_of(dict(fast, make_seconds=190.0)))
    slow = dict(fast, seconds=309.0)
    out = bench.table(report_of(slow))
    assert "| 5.2 min | ≤ 3 min | **missed** |" in out, out
    assert "targets met: 7/8; missed: make_test_min" in out, out
