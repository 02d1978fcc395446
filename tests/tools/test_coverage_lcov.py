"""tools/coverage/lcov.py: the LCOV merger and report generator `bazel coverage` runs.

Rationale:
    Bazel 4.2.3 cannot fetch its own coverage tools offline; lcov.py stands in for
    both. After each test, collect_coverage.sh runs it on the test's coverage folder
    (pytest-cov's `pylcov.dat`) to write `coverage.dat`; with
    `--combined_report=lcov` Bazel runs it once more on every target's
    `coverage.dat` to write the report tools/tmgg coverage turns into HTML. A
    merger that dropped or double-counted records would misstate coverage silently.

Assumptions:
    Tracefiles are what coverage.py's LCOV reporter writes (SF, FN, FNDA, BRDA with
    `-` for a branch whose line never ran, DA, summary counts, end_of_record); Bazel
    passes the arguments collect_coverage.sh and BazelCoverageReportModule name.

Invariants:
    Hits add up per line, branch and function across tracefiles; the summary counts
    (LF/LH, BRF/BRH, FNF/FNH) are recomputed from the merged records; `-` plus a
    count is the count; sources matching a --filter_sources regex are dropped; the
    output file itself, and files other than *.dat, are never read as input.
"""

from pathlib import Path

import pytest

from tools.coverage import lcov

pytestmark = pytest.mark.unit

FIRST = """TN:
SF:src/tmgg/a.py
FN:1,3,f
FNDA:1,f
FNF:1
FNH:1
BRDA:2,0,jump to line 3,1
BRDA:2,0,exit,-
BRF:2
BRH:1
DA:1,1
DA:2,1
DA:3,0
LF:3
LH:2
end_of_record
"""

SECOND = """TN:
SF:src/tmgg/a.py
FN:1,3,f
FNDA:2,f
BRDA:2,0,jump to line 3,-
BRDA:2,0,exit,4
DA:1,2
DA:3,5
LF:2
LH:2
end_of_record
SF:src/tmgg/b.py
DA:1,0
LF:1
LH:0
end_of_record
"""


def records(text: str) -> dict[str, list[str]]:
    """Each source's lines of a tracefile, by path."""
    out: dict[str, list[str]] = {}
    for record in text.split("end_of_record")[:-1]:
        lines = [line for line in record.split("\n") if line and line != "TN:"]
        out[lines[0].removeprefix("SF:")] = lines[1:]
    return out


def test_merge_adds_hits_and_recomputes_the_counts(tmp_path: Path):
    (tmp_path / "1.dat").write_text(FIRST)
    (tmp_path / "2.dat").write_text(SECOND)
    merged = records(lcov.merge([tmp_path / "1.dat", tmp_path / "2.dat"]))
    assert merged["src/tmgg/a.py"] == [
        "FN:1,3,f",
        "FNDA:3,f",
        "FNF:1",
        "FNH:1",
        "BRDA:2,0,exit,4",
        "BRDA:2,0,jump to line 3,1",
        "BRF:2",
        "BRH:2",
        "DA:1,3",
        "DA:2,1",
        "DA:3,5",
        "LF:3",
        "LH:3",
    ]
    assert merged["src/tmgg/b.py"] == ["DA:1,0", "LF:1", "LH:0"]


def test_a_branch_no_run_reached_stays_unreached(tmp_path: Path):
    (tmp_path / "1.dat").write_text(FIRST)
    (tmp_path / "again.dat").write_text(FIRST)
    merged = records(lcov.merge([tmp_path / "1.dat", tmp_path / "again.dat"]))["src/tmgg/a.py"]
    assert "BRDA:2,0,exit,-" in merged
    assert "BRH:1" in merged
    assert "DA:3,0" in merged and "LH:2" in merged


def test_filtered_sources_are_dropped(tmp_path: Path):
    (tmp_path / "2.dat").write_text(SECOND)
    merged = records(lcov.merge([tmp_path / "2.dat"], filters=[".*/b\\.py"]))
    assert list(merged) == ["src/tmgg/a.py"]


def test_as_the_lcov_merger_it_reads_the_coverage_folder_but_not_its_own_output(tmp_path: Path):
    folder = tmp_path / "coverage"
    (folder / "nested").mkdir(parents=True)
    (folder / "pylcov.dat").write_text(FIRST)
    (folder / "nested" / "more.dat").write_text(SECOND)
    (folder / ".coverage").write_text("not a tracefile")
    output = folder / "_coverage.dat"
    output.write_text(SECOND)  # collect_coverage.sh touches it first; a stale one must not count
    status = lcov.main(
        [
            f"--coverage_dir={folder}",
            f"--output_file={output}",
            "--filter_sources=/usr/bin/.+",
            "--filter_sources=.*external/.+",
            f"--source_file_manifest={tmp_path / 'manifest'}",
        ]
    )
    assert status == 0
    assert output.read_text() == lcov.merge([folder / "pylcov.dat", folder / "nested" / "more.dat"])


def test_as_the_report_generator_it_merges_the_listed_reports(tmp_path: Path):
    (tmp_path / "1.dat").write_text(FIRST)
    (tmp_path / "2.dat").write_text(SECOND)
    listing = tmp_path / "reports"
    listing.write_text(f"{tmp_path / '1.dat'}\n{tmp_path / '2.dat'}\n")
    output = tmp_path / "_coverage" / "_coverage_report.dat"
    assert lcov.main([f"--reports_file={listing}", f"--output_file={output}"]) == 0
    assert output.read_text() == lcov.merge([tmp_path / "1.dat", tmp_path / "2.dat"])


def test_no_tracefiles_make_an_empty_report(tmp_path: Path):
    output = tmp_path / "out.dat"
    assert lcov.main([f"--coverage_dir={tmp_path}", f"--output_file={output}"]) == 0
    assert output.read_text() == ""
