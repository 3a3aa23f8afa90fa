"""`parity check` as a user runs it: the article's Dockerfile, the CLI, odd files, SARIF."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from parity.cli import main
from parity.lint.engine import run_check
from parity.lint.findings import RULES

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dockerfiles"
SHARED_SCHEMA = Path(__file__).parents[3] / "shared" / "data" / "compose-spec.schema.json"

# The article's Dockerfile (only its base image changed so it builds here), line by line:
#  1 FROM python:3.11-slim as base          8 RUN pip install -r requirements.dev.txt
#  2 COPY requirements.txt /app/            9 CMD python manage.py runserver
#  3 WORKDIR /app                          10 FROM base as prod
#  4 RUN apt-get update -y                 11 COPY ./app/ /app/
#  5 RUN pip install -r requirements.txt   12 RUN pip install gunicorn==20.1.0
#  6 FROM base as dev                      13 CMD python manage.py collectstatic ... && gunicorn ...
#  7 COPY requirements.dev.txt /app/
ARTICLE_FINDINGS = {
    ("DP701", None),  # no .dockerignore
    ("DP401", 4),  # apt-get update on its own
    ("DP403", 4),  # ...leaving its lists in the layer
    ("DP404", 5),  # pip without cache mount or --no-cache-dir
    ("DP404", 8),
    ("DP301", 9),  # runserver on 127.0.0.1
    ("DP307", 10),  # prod has no USER
    ("DP308", 10),  # prod has no HEALTHCHECK
    ("DP201", 12),  # gunicorn installed after the source COPY
    ("DP404", 12),
    ("DP303", 13),  # shell-form CMD in prod
    ("DP304", 13),  # && chained startup work
    ("DP305", 13),  # collectstatic at start
    ("DP306", 13),  # migrate at every start, no switch
}


def test_the_articles_dockerfile_gets_the_expected_findings_at_the_right_lines():
    result = run_check(str(FIXTURES / "article"))
    assert {(f.code, f.line) for f in result.findings} == ARTICLE_FINDINGS
    assert all(f.path == "Dockerfile" for f in result.findings)


def test_the_original_article_base_image_adds_slim_and_python_findings(tmp_path):
    root = tmp_path / "article"
    shutil.copytree(FIXTURES / "article", root)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("python:3.11-slim", "python:3.8.3-buster"))
    (root / ".python-version").write_text("3.12\n")
    found = {(f.code, f.line) for f in run_check(str(root)).findings}
    assert found - ARTICLE_FINDINGS == {("DP502", 1), ("DP503", 1)}


def test_the_design_in_docs_yields_no_findings():
    assert run_check(str(FIXTURES / "design")).findings == []


def test_text_output_groups_by_file_and_shows_the_line(capsys):
    status = main(["check", str(FIXTURES / "article")])
    out = capsys.readouterr().out
    assert status == 1
    assert out.startswith("Dockerfile\n")
    assert "    13  error    DP303  shell-form CMD" in out
    assert "        | CMD python manage.py collectstatic --no-input" in out
    assert "        fix: Use exec form" in out
    assert out.rstrip().endswith("14 findings (3 errors, 11 warnings) in Dockerfile")


def test_a_clean_project_exits_0(capsys):
    assert main(["check", str(FIXTURES / "project")]) == 0
    assert "No findings" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("options", "status"),
    [
        ([], 1),
        (["--fail-on", "never"], 0),
        (["--fail-on", "warning"], 1),
        (["--ignore", "DP3"], 0),  # the three errors are all DP30x
        (["--ignore", "DP3", "--fail-on", "warning"], 1),
        (["--select", "DP401,DP403", "--fail-on", "warning"], 1),
        (["--select", "DP5"], 0),
    ],
)
def test_exit_status_follows_the_threshold(options, status, capsys):
    assert main(["check", str(FIXTURES / "article"), *options]) == status


def test_select_and_ignore_filter_by_code_or_prefix():
    result = run_check(str(FIXTURES / "article"), select=("DP4",), ignore=("DP404",))
    assert {f.code for f in result.findings} == {"DP401", "DP403"}


@pytest.mark.parametrize(
    "options",
    [
        ["--format", "xml"],
        ["--fail-on", "sometimes"],
        ["--select", "DP999"],
        ["--ignore", "E501"],
        ["--compose", "missing.yaml"],
    ],
)
def test_bad_usage_exits_2_with_one_line(options, capsys):
    assert main(["check", str(FIXTURES / "article"), *options]) == 2
    err = capsys.readouterr().err
    assert err.startswith("parity check: error: ") and err.count("\n") == 1


def test_a_missing_path_and_a_directory_without_dockerfile_are_clear_errors(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nowhere")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "no Dockerfile here" in err and err.count("\n") == 1


def test_a_dockerfile_path_works_without_any_project(tmp_path):
    path = tmp_path / "Containerfile"
    path.write_text("FROM python:3.12-slim\nCMD python app.py\n")
    codes = {f.code for f in run_check(str(path)).findings}
    assert {"DP101", "DP102", "DP303", "DP307", "DP308"} <= codes
    assert all(f.path == "Containerfile" for f in run_check(str(path)).findings)


def test_inline_comments_silence_a_rule_on_or_above_its_line(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "article", root)
    dockerfile = root / "Dockerfile"
    lines = dockerfile.read_text().splitlines()
    lines[4] += "  # parity: ignore=DP404"  # on the line (line 5)
    lines.insert(7, "# parity: ignore=DP404, DP201")  # above line 8
    dockerfile.write_text("\n".join(lines) + "\n")
    found = {(f.code, f.line) for f in run_check(str(root)).findings}
    assert ("DP404", 5) not in found and ("DP404", 9) not in found
    assert ("DP404", 13) in found  # not silenced
    assert ("DP401", 4) in found


def test_config_in_pyproject_names_the_stages_and_ignores_rules(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "project", root)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("AS dev", "AS workbench"))
    assert "DP101" in {f.code for f in run_check(str(root)).findings}
    (root / "pyproject.toml").write_text('[tool.parity.check]\ndev-stage = "workbench"\n')
    (root / "compose.yaml").write_text(
        (root / "compose.yaml").read_text().replace("dev", "workbench")
    )
    assert run_check(str(root)).findings == []
    (root / "pyproject.toml").write_text('[tool.parity.check]\nignore = ["DP101", "DP802"]\n')
    assert run_check(str(root)).findings == []


def test_bad_config_is_one_clear_error(tmp_path, capsys):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "project", root)
    (root / "pyproject.toml").write_text("[tool.parity.check]\ndev_stage = 'x'\n")
    assert main(["check", str(root)]) == 1
    assert "unknown key 'dev_stage'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "words", "line"),
    [
        (b"", "is empty", None),
        (b"# only a comment\n\n", "only comments", None),
        (b"ARG X=1\n", "has no FROM", None),
        (b"FROM python:3.12-slim\n\x00\x01\x02binary", "binary", None),
        (b"FROM python:3.12-slim\nRUN echo \xff\xfe\n", "not UTF-8", 2),
        (b"FROM python:3.12-slim\nRUN <<EOF\necho\n", "never closed", 2),
    ],
)
def test_unusable_dockerfiles_give_one_finding(tmp_path, content, words, line, capsys):
    (tmp_path / "Dockerfile").write_bytes(content)
    result = run_check(str(tmp_path))
    errors = [f for f in result.findings if f.code == "DP001"]
    assert len(errors) == 1 and words in errors[0].message and errors[0].line == line
    assert main(["check", str(tmp_path)]) == 1
    assert "DP001" in capsys.readouterr().out


def test_an_enormous_file_is_refused_without_reading_it(tmp_path):
    with open(tmp_path / "Dockerfile", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse
    [finding] = run_check(str(tmp_path)).findings
    assert finding.code == "DP001" and "50.0 MB" in finding.message


def test_json_output_lists_findings_and_a_summary(capsys):
    main(["check", str(FIXTURES / "article"), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["summary"] == {"error": 3, "warning": 11, "info": 0}
    first = data["findings"][0]
    assert set(first) == {"code", "severity", "message", "path", "line", "fix", "source"}


def test_sarif_output_has_what_github_code_scanning_needs(tmp_path, capsys):
    output = tmp_path / "parity.sarif"
    assert (
        main(["check", str(FIXTURES / "article"), "--format", "sarif", "--output", str(output)])
        == 1
    )
    assert capsys.readouterr().out == ""
    document = json.loads(output.read_text())
    assert document["version"] == "2.1.0" and "sarif-2.1.0" in document["$schema"]
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert len(run["results"]) == len(ARTICLE_FINDINGS)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "Dockerfile"
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startLine"] >= 1


def test_the_bundled_compose_schema_is_the_specification():
    bundled = FIXTURES.parents[2] / "src" / "parity" / "data" / "compose-spec.schema.json"
    if SHARED_SCHEMA.is_file():
        assert json.loads(bundled.read_text()) == json.loads(SHARED_SCHEMA.read_text())


@pytest.mark.parametrize("name", ["DP801.good.compose.yaml", "DP805.good.compose.yaml"])
def test_good_compose_examples_are_valid_against_the_real_schema(name):
    schema = json.loads(
        (FIXTURES.parents[2] / "src/parity/data/compose-spec.schema.json").read_text()
    )
    data = yaml.safe_load((FIXTURES / "rules" / name).read_text())
    jsonschema.Draft7Validator(schema).validate(data)


def test_bad_compose_examples_are_invalid_against_the_real_schema_too():
    schema = json.loads(
        (FIXTURES.parents[2] / "src/parity/data/compose-spec.schema.json").read_text()
    )
    data = yaml.safe_load((FIXTURES / "rules" / "DP801.bad.compose.yaml").read_text())
    assert len(list(jsonschema.Draft7Validator(schema).iter_errors(data))) == 2


def test_compose_that_is_not_yaml_is_one_finding_with_its_line(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "project", root)
    (root / "compose.yaml").write_text("services:\n  web:\n    build: [unclosed\n")
    [finding] = run_check(str(root)).findings
    assert (
        finding.code == "DP801"
        and finding.path == "compose.yaml"
        and "not valid YAML" in finding.message
    )
    assert finding.line == 4


def test_a_dockerfile_dockerignore_beside_it_wins(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "project", root)
    (root / "Dockerfile.dockerignore").write_text(".git\n")
    result = run_check(str(root))
    assert {f.path for f in result.findings} == {"Dockerfile.dockerignore"}
    assert {f.code for f in result.findings} == {"DP703"}


def test_every_rule_is_documented_with_a_bad_and_a_good_example():
    docs = (FIXTURES.parents[2] / "docs" / "rules.md").read_text()
    sections = docs.split('<a id="')[1:]
    documented = {section[:5].upper(): section for section in sections}
    assert set(documented) == set(RULES)
    for code, section in documented.items():
        heading = section.splitlines()[1]
        assert heading.startswith(f"### {code} · {RULES[code].severity} · ")
        assert "Why:" in section and "bad" in section and "good" in section


def test_the_pre_commit_hook_runs_parity_check_on_the_project(tmp_path):
    [hook] = yaml.safe_load((FIXTURES.parents[2] / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "parity-check" and hook["entry"] == "parity check"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    import re

    for name in [
        "Dockerfile",
        "docker/prod.Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "docker-compose.yml",
        "app/docker-entrypoint.sh",
    ]:
        assert re.search(hook["files"], name), name
    assert not re.search(hook["files"], "app/views.py")


def test_output_replaces_a_report_whole_and_keeps_its_mode(tmp_path):
    output = tmp_path / "parity.sarif"
    output.write_text("an older report")
    output.chmod(0o640)
    main(["check", str(FIXTURES / "article"), "--format", "sarif", "--output", str(output)])
    assert json.loads(output.read_text())["version"] == "2.1.0"
    assert output.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["parity.sarif"]  # no temporary left


def test_output_to_an_unwritable_place_is_a_usage_error(tmp_path, capsys):
    target = tmp_path / "missing-dir" / "report.sarif"
    assert main(["check", str(FIXTURES / "article"), "--output", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert not target.parent.exists()


def test_compose_of_the_wrong_shape_gets_schema_findings_only(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "project", root)
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    build: {context: ., target: [x]}\n    volumes: 5\n"
        "    depends_on: 3\n  db:\n    image: postgres:16\n    healthcheck: yes\n"
    )
    found = {(f.code, f.line) for f in run_check(str(root)).findings}
    assert found == {("DP801", 3), ("DP801", 4), ("DP801", 5), ("DP801", 8)}


@pytest.mark.parametrize(
    "text",
    [
        "FROM --platform=$BUILDPLATFORM python:3.12-slim AS dev\nCMD []\nENTRYPOINT []\nCOPY x\n"
        "ONBUILD RUN pip install x\nFROM dev AS prod\nUSER\nHEALTHCHECK\nENV\nARG\n"
        "COPY --from=nowhere /a /b\nRUN --mount=type=bind pip install -r\n",
        'FROM scratch AS prod\nCMD ["sh","-c"]\nENTRYPOINT ["sh"]\n',
        'FROM python\nRUN echo "unterminated\nCMD "a\n',
        "FROM python:3.12-slim AS dev\nFROM dev AS prod\nCOPY --from=prod . .\nFROM prod AS x\n",
    ],
)
def test_odd_but_parsable_dockerfiles_never_crash(tmp_path, text, capsys):
    (tmp_path / "Dockerfile").write_text(text)
    for output in ("text", "json", "sarif"):
        assert main(["check", str(tmp_path), "--format", output]) == 1
    assert "Traceback" not in capsys.readouterr().err
