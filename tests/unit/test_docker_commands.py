"""What the build/run commands decide before Docker is involved: names, ports, arguments, errors."""

from __future__ import annotations

import argparse

import pytest

from parity.cli import build_parser, main
from parity.commands.test import runner_command
from parity.errors import ParityError, UsageError
from parity.runtime import (
    command_on_port,
    context_from,
    env_files,
    env_pairs,
    exposed_port,
    image_name,
)


def test_image_name_from_tool_parity_else_the_directory(tmp_path):
    project = tmp_path / "My Shop"
    project.mkdir()
    assert image_name(project) == "my-shop"
    (project / "pyproject.toml").write_text('[tool.parity]\nname = "storefront"\n')
    assert image_name(project) == "storefront"
    (project / "pyproject.toml").write_text('[tool.parity]\nname = "Store Front"\n')
    with pytest.raises(ParityError, match="Docker image name"):
        image_name(project)


def test_unreadable_pyproject_is_one_line_naming_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.parity\n")
    with pytest.raises(ParityError, match=r"pyproject.toml: is not valid TOML"):
        image_name(tmp_path)


def test_missing_dockerfile_points_to_parity_init(tmp_path, capsys):
    assert main(["build", str(tmp_path)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.endswith(f"no Dockerfile; write one with `parity init {tmp_path}`")
    assert len(error.splitlines()) == 1


def test_build_context_names_tags_per_target(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.11-slim\n")
    args = argparse.Namespace(path=str(tmp_path), file=None, name="shop")
    context = context_from(args)
    assert context.image("dev") == "shop:dev"
    assert context.container_name("dev").startswith("shop-dev-")
    assert context.container_name("dev") != context.container_name("dev")


def test_runserver_port_moves_when_the_host_network_needs_another():
    cmd = ["python", "manage.py", "runserver", "0.0.0.0:8000"]
    assert command_on_port(cmd, 8000, 8123) == ["python", "manage.py", "runserver", "0.0.0.0:8123"]
    bare = ["python", "manage.py", "runserver"]
    assert command_on_port(bare, 8000, 8123) == [*bare, "0.0.0.0:8123"]
    assert command_on_port(cmd, 8000, 8000) == cmd


def test_exposed_port_is_the_first_tcp_port_else_8000():
    assert exposed_port({"Config": {"ExposedPorts": {"9000/tcp": {}, "53/udp": {}}}}) == 9000
    assert exposed_port({"Config": {}}) == 8000


def test_env_options_are_checked(tmp_path):
    assert env_pairs(["A=1", "B=x=y"]) == (("A", "1"), ("B", "x=y"))
    with pytest.raises(UsageError, match="expected NAME=VALUE"):
        env_pairs(["JUSTNAME"])
    with pytest.raises(UsageError, match="no such file"):
        env_files(argparse.Namespace(env_file=[str(tmp_path / "missing.env")]), tmp_path)
    assert env_files(argparse.Namespace(env_file=None), tmp_path) == ()
    (tmp_path / ".env").write_text("DEBUG=1\n")
    assert env_files(argparse.Namespace(env_file=None), tmp_path) == (str(tmp_path / ".env"),)


def test_parity_test_passes_everything_after_double_dash_to_the_runner():
    parser, _ = build_parser()
    args = parser.parse_args(["test", "proj", "--network", "host", "--", "-k", "views", "--x"])
    assert (args.path, args.network, args.test_args) == ("proj", "host", ["-k", "views", "--x"])
    assert parser.parse_args(["test"]).test_args == []
    assert runner_command("pytest", ["-x"]) == ("python", "-m", "pytest", "-x")
    assert runner_command("django", []) == ("python", "manage.py", "test")


def test_verify_options_parse():
    parser, _ = build_parser()
    args = parser.parse_args(["verify", "proj", "--path", "/health/", "--json", "--strict"])
    assert (args.path, args.page, args.json, args.strict) == ("proj", "/health/", True, True)
    assert parser.parse_args(["build", "--target", "dev"]).target == "dev"
