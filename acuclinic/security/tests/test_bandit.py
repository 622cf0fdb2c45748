"""bandit over the package (tests aside) with the project's settings (bandit.yaml): any medium
or high finding that is not among the answered ones (bandit-baseline.json, each explained in
BANDIT.md) fails. To answer a new one: fix it, or explain it in BANDIT.md and regenerate the
baseline with the command in BANDIT.md."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SECURITY = ROOT / "acuclinic" / "security"
BANDIT = Path(sys.executable).with_name("bandit")


def run_bandit(*extra: str, target: str = "acuclinic") -> dict:
    command = [str(BANDIT), "-c", "bandit.yaml", "-r", target, "-x", "*/tests/*", "-q", "-ll"]
    done = subprocess.run(
        [*command, "-f", "json", *extra], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    assert not report["errors"], report["errors"]
    return report


@pytest.fixture(scope="module")
def baseline() -> dict:
    return json.loads((SECURITY / "bandit-baseline.json").read_text())


def test_no_new_medium_or_high_findings() -> None:
    report = run_bandit("-b", str(SECURITY / "bandit-baseline.json"))
    new = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert not new, "new bandit findings (fix, or answer in BANDIT.md):\n" + "\n".join(new)


def test_every_answered_finding_is_explained(baseline: dict) -> None:
    answers = (SECURITY / "BANDIT.md").read_text()
    for finding in baseline["results"]:
        where = finding["filename"].removeprefix("acuclinic/")
        assert where in answers and finding["test_id"] in answers, finding["filename"]


def test_the_check_finds_what_it_should(tmp_path: Path) -> None:
    """The control: a fresh mark_safe of input is a finding the baseline does not excuse."""
    sample = tmp_path / "bad.py"
    sample.write_text(
        "from django.utils.safestring import mark_safe\n\n\n"
        "def show(value):\n    return mark_safe(value)\n"
    )
    report = run_bandit("-b", str(SECURITY / "bandit-baseline.json"), target=str(sample))
    assert {r["test_id"] for r in report["results"]} >= {"B308", "B703"}
