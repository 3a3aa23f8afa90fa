"""Every rule: its bad example is reported at exactly the marked lines, its good example is not.

Each case lives in tests/fixtures/dockerfiles/rules as `<CODE>.<bad|good>.<file>` overlaid on a
clean sample project (tests/fixtures/dockerfiles/project). In a bad file, `# expect: CODE` marks
the next non-comment line; `# expect-file: CODE` marks a finding about the file as a whole.
`dot-` in a name stands for a leading dot, `--` for a directory separator, and `no-dockerignore`
removes the project's .dockerignore.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from parity.lint.engine import run_check
from parity.lint.findings import RULES

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dockerfiles"
CASES = FIXTURES / "rules"


def _case_files(code: str, kind: str) -> dict[str, Path]:
    files = {}
    for path in sorted(CASES.glob(f"{code}.{kind}.*")):
        name = path.name.split(".", 2)[2]
        files[name.replace("dot-", ".").replace("--", "/")] = path
    return files


def _project(tmp_path: Path, code: str, kind: str) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    for name, source in _case_files(code, kind).items():
        if name == "no-dockerignore":
            (root / ".dockerignore").unlink()
            continue
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    return root


def _expected(root: Path, code: str, kind: str) -> set[tuple[str, int | None]]:
    expected = set()
    for name in _case_files(code, kind):
        path = root / name
        if not path.is_file():
            continue
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines, start=1):
            match = re.search(r"# expect(-file)?: (DP\d+)", line)
            if not match or match.group(2) != code:
                continue
            if match.group(1):
                expected.add((name, None))
                continue
            target = number + 1
            while lines[target - 1].lstrip().startswith("#"):
                target += 1
            expected.add((name, target))
    return expected


RULE_CODES = sorted(RULES)


def test_every_rule_has_a_bad_and_a_good_case():
    for code in RULE_CODES:
        assert _case_files(code, "bad"), f"{code} has no bad example"
        assert _case_files(code, "good"), f"{code} has no good example"


def test_the_clean_sample_project_has_no_findings():
    result = run_check(str(FIXTURES / "project"))
    assert result.findings == []


@pytest.mark.parametrize("code", RULE_CODES)
def test_bad_example_is_reported_at_the_marked_lines(tmp_path, code):
    root = _project(tmp_path, code, "bad")
    expected = _expected(root, code, "bad")
    assert expected, f"{code}: the bad example marks no line"
    result = run_check(str(root), select=(code,))
    found = {(f.path, f.line) for f in result.findings}
    # Several findings on one line (e.g. two missing .dockerignore entries) count once here.
    assert found == expected, [f.message for f in result.findings]
    for finding in result.findings:
        assert finding.severity == RULES[code].severity
        assert finding.message and finding.fix


@pytest.mark.parametrize("code", RULE_CODES)
def test_good_example_is_not_reported(tmp_path, code):
    root = _project(tmp_path, code, "good")
    result = run_check(str(root), select=(code,))
    assert result.findings == [], [f.message for f in result.findings]
