"""`parity scan` as a user reads it: each fact with where it came from, text or JSON."""

from __future__ import annotations

import json

from fixture_projects import EXAMPLE, FIXTURES

from parity.cli import main


def test_text_report_names_each_fact_and_its_source(capsys):
    assert main(["scan", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    lines = {
        line.split()[0] + " " + line.split()[1]: line
        for line in out.splitlines()
        if len(line.split()) > 1
    }
    assert (
        "app.settings" in lines["settings module"] and "app/manage.py:9" in lines["settings module"]
    )
    assert "3.11" in lines["version 3.11"] and ".python-version:1" in lines["version 3.11"]
    assert "Dependencies (manager: requirements)" in out
    assert "pytest==" in out and "requirements.dev.txt" in out
    assert "STATIC_ROOT" in out and "staticfiles" in out


def test_json_is_the_documented_shape(capsys):
    assert main(["scan", "--json", str(FIXTURES / "e2e_env_required")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1
    project = data["project"]
    assert project["manage_py"]["value"] == "manage.py"
    required = {var["name"]: var for var in project["settings"]["required_env"]}
    assert {"SECRET_KEY", "DATABASE_URL"} <= set(required)
    origin = required["SECRET_KEY"]["origin"]
    assert origin["path"].endswith("settings.py") and isinstance(origin["line"], int)
    assert project["python"]["origin"]["path"] == ".python-version"
    assert project["dependencies"]["manager"] in {
        "requirements",
        "uv",
        "poetry",
        "pipenv",
        "pdm",
        "pyproject",
    }


def test_settings_override_is_reported_as_given(capsys):
    assert (
        main(
            [
                "scan",
                "--json",
                "--settings",
                "site.settings",
                str(FIXTURES / "settings_no_default"),
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["project"]["settings"]["module"]["value"] == "site.settings"
