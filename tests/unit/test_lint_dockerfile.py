"""The Dockerfile parser: BuildKit's grammar as the rules need it, and errors with their line."""

from __future__ import annotations

import pytest

from parity.lint.dockerfile import DockerfileSyntaxError, parse, substitute
from parity.lint.shell import installs, split_commands


def test_instructions_keep_their_lines_flags_and_forms():
    dockerfile = parse(
        "FROM python:3.12-slim AS base\n"
        "RUN --mount=type=cache,target=/root/.cache/pip \\\n"
        "    --mount=type=bind,source=requirements.txt,target=/r.txt \\\n"
        "    pip install -r /r.txt\n"
        'COPY --chown=app:app --link ["src/", "/app/"]\n'
        'CMD ["gunicorn", "mysite.wsgi"]\n'
    )
    run, copy, cmd = dockerfile.stages[0].instructions[1:]
    assert (run.keyword, run.line, run.end_line) == ("RUN", 2, 4)
    assert run.args == "pip install -r /r.txt"
    assert [m["target"] for m in run.mounts()] == ["/root/.cache/pip", "/r.txt"]
    assert run.mounts()[1]["type"] == "bind"
    assert copy.flag("chown") == "app:app" and copy.flag("link") == "" and copy.flag("from") is None
    assert copy.exec_form == ("src/", "/app/")
    assert cmd.exec_form == ("gunicorn", "mysite.wsgi") and run.exec_form is None


def test_escape_directive_changes_the_continuation_character():
    dockerfile = parse("# escape=`\nFROM python:3.12-slim\nRUN echo a `\n    b\nRUN echo c\\\n")
    assert dockerfile.directives == {"escape": "`"}
    run = dockerfile.stages[0].instructions[1]
    assert run.args == "echo a b" and run.end_line == 4
    assert dockerfile.stages[0].instructions[2].args == "echo c\\"


def test_directives_only_count_at_the_top():
    dockerfile = parse("FROM python:3.12-slim\n# escape=`\nRUN echo a \\\n  b\n")
    assert dockerfile.directives == {} and dockerfile.escape == "\\"
    assert dockerfile.stages[0].instructions[1].args == "echo a b"


def test_comments_and_blank_lines_inside_a_continuation_are_skipped():
    dockerfile = parse(
        "FROM python:3.12-slim\nRUN apt-get update \\\n# a comment\n\n"
        " && apt-get install -y x\nUSER app\n"
    )
    run, user = dockerfile.stages[0].instructions[1:]
    assert run.args == "apt-get update && apt-get install -y x"
    assert (run.line, run.end_line, user.line) == (2, 5, 6)


def test_heredocs_are_read_with_their_bodies_and_lines():
    dockerfile = parse(
        "FROM python:3.12-slim\n"
        "RUN <<EOF\n"
        "apt-get update\n"
        "pip install -r requirements.txt\n"
        "EOF\n"
        "COPY <<-'CONF' <<OTHER /etc/\n"
        "\tindented\n"
        "\tCONF\n"
        "second\n"
        "OTHER\n"
        "USER app\n"
    )
    run, copy, user = dockerfile.stages[0].instructions[1:]
    assert run.heredocs[0].name == "EOF"
    assert run.heredocs[0].content == "apt-get update\npip install -r requirements.txt\n"
    assert [i.tool for i in installs(run.shell_text)] == ["pip"]
    assert [h.name for h in copy.heredocs] == ["CONF", "OTHER"]
    assert copy.heredocs[0].content == "indented\n"
    assert (run.end_line, copy.line, copy.end_line, user.line) == (5, 6, 10, 11)


def test_arg_before_from_is_substituted_into_the_image():
    dockerfile = parse(
        "ARG PYTHON=3.12\nARG VARIANT\nFROM python:${PYTHON}-slim AS a\n"
        "FROM python:${PYTHON:-3.11}-${VARIANT:-bookworm} AS b\nFROM python:$VARIANT AS c\n"
    )
    assert dockerfile.global_args == {"PYTHON": "3.12", "VARIANT": None}
    assert [s.image for s in dockerfile.stages] == [
        "python:3.12-slim",
        "python:3.12-bookworm",
        "",  # VARIANT has no value: the image cannot be known
    ]
    assert dockerfile.stages[0].base == "python:${PYTHON}-slim"


def test_substitute_follows_shell_rules():
    assert substitute("${A:+x}", {"A": "1"}) == "x"
    assert substitute("${A:+x}", {"A": ""}) == ""
    assert substitute("${A-d}", {"A": ""}) == ""
    assert substitute("${A:-d}", {"A": ""}) == "d"
    assert substitute("$A", {}) is None


def test_stage_names_are_case_insensitive_and_numeric_references_work():
    dockerfile = parse(
        "FROM python:3.12-slim AS Base\nFROM BASE AS dev\nFROM base AS prod\nCOPY --from=0 /x /x\n"
    )
    base, dev, prod = dockerfile.stages
    assert base.name == "base" and dev.parent == 0 and prod.parent == 0
    assert dockerfile.stage("0") is base and dockerfile.stage("BASE") is base
    assert dockerfile.stage(prod.instructions[1].flag("from")) is base


def test_malformed_json_falls_back_to_shell_form():
    dockerfile = parse("FROM python:3.12-slim\nCMD ['gunicorn', 'x']\nCMD [\"ok\"]\n")
    bad, good = dockerfile.stages[0].instructions[1:]
    assert bad.exec_form is None and bad.malformed_json
    assert good.exec_form == ("ok",) and not good.malformed_json


def test_healthcheck_exec_form_is_read_after_its_options():
    dockerfile = parse(
        'FROM python:3.12-slim\nHEALTHCHECK --interval=5s CMD ["python", "-c", "1"]\n'
    )
    check = dockerfile.stages[0].instructions[1]
    assert check.flag("interval") == "5s" and check.exec_form == ("python", "-c", "1")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("FROM python:3.12-slim\nRUN <<EOF\necho\n", 2, "never closed"),
        ("FROM python:3.12-slim\n\nFOO bar\n", 3, "unknown instruction"),
        ("RUN echo\nFROM python:3.12-slim\n", 1, "before the first FROM"),
        ("FROM python:3.12-slim AS a\nFROM python:3.12-slim AS A\n", 2, "duplicate stage name"),
        ("FROM python:3.12-slim AS\n", 1, "FROM takes an image"),
        ("FROM\n", 1, "FROM needs an image"),
        ("# escape=x\nFROM python:3.12-slim\n", 1, "invalid escape"),
    ],
)
def test_syntax_errors_carry_the_line(text, line, words):
    with pytest.raises(DockerfileSyntaxError) as raised:
        parse(text)
    assert raised.value.line == line
    assert words in raised.value.message


def test_shell_splitting_sees_commands_operators_and_sh_c():
    commands, operators = split_commands("A=1 apt-get update && apt-get install -y x # y && z")
    assert [c.words for c in commands] == [("apt-get", "update"), ("apt-get", "install", "-y", "x")]
    assert commands[0].assignments == ("A=1",) and operators[0] == "&&"
    found = installs('sh -c "python -m pip install --no-cache-dir -rreq.txt gunicorn==23"')
    assert found[0].tool == "pip"
    assert found[0].option_values("-r", "--requirement") == ["req.txt"]
    assert found[0].packages == ["gunicorn==23"]
    assert [i.tool for i in installs("uv sync --frozen; poetry install --only main")] == [
        "uv-sync",
        "poetry",
    ]
