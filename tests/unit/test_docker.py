"""The Docker layer's logic that needs no engine: argument lists, errors, failing-step parsing."""

from __future__ import annotations

import shutil

import pytest

from parity.docker import Docker, RunSpec, build_arguments, client_from, failing_step, run_arguments
from parity.errors import DockerError

# Real BuildKit plain-progress output of a build whose third step failed.
FAILED_BUILD = """\
#4 [1/3] FROM docker.io/library/python:3.11-slim
#4 sha256:393f53992145d4e66db06c6fc234cc485994eafdf13c53302514ff86dbc4b283
#4 CACHED

#5 [2/3] RUN echo hi
#5 0.054 hi
#5 DONE 0.1s

#6 [3/3] RUN false && echo x
#6 sha256:7c88a09c98459a73891e266295c4f388fbc13506d50ddd4fcdd37c3a57426069
#6 ERROR: executor failed running [/bin/sh -c false && echo x]: exit code: 1
------
 > [3/3] RUN false && echo x:
------
executor failed running [/bin/sh -c false && echo x]: exit code: 1
""".splitlines()


def test_failing_step_names_the_step_and_its_error():
    assert failing_step(FAILED_BUILD) == (
        "at [3/3] RUN false && echo x: "
        "executor failed running [/bin/sh -c false && echo x]: exit code: 1"
    )


def test_failing_step_before_any_step_keeps_only_what_the_user_needs():
    lines = [
        "#2 DONE 0.0s",
        "failed to solve with frontend dockerfile.v0: failed to create LLB definition: "
        "target stage base could not be found",
    ]
    assert failing_step(lines) == "target stage base could not be found"


def test_failing_step_of_a_clean_log_is_none():
    assert failing_step(["#5 [2/3] RUN echo hi", "#5 DONE 0.1s"]) is None


def test_build_uses_buildx_when_present_else_plain_build():
    with_buildx = build_arguments(".", tag="p:dev", target="dev", network="host", use_buildx=True)
    assert with_buildx[:3] == ["buildx", "build", "--load"]
    plain = build_arguments(".", tag="p:dev", target="dev", network="host")
    assert plain[0] == "build"
    assert plain[plain.index("--target") + 1] == "dev"
    assert plain[plain.index("--tag") + 1] == "p:dev"
    assert plain[plain.index("--network") + 1] == "host"
    assert "--progress=plain" in plain and plain[-1] == "."


def test_build_without_target_or_tag_builds_the_last_stage():
    args = build_arguments("/ctx", tag=None, target=None, dockerfile="/ctx/Dockerfile.alt")
    assert "--target" not in args and "--tag" not in args
    assert args[args.index("--file") + 1] == "/ctx/Dockerfile.alt"


def test_run_arguments_for_a_dev_container():
    spec = RunSpec(
        image="notes:dev",
        name="notes-dev-1",
        interactive=True,
        init=True,
        user="1000:1000",
        env=(("PORT", "8000"),),
        env_files=("/p/.env",),
        mounts=(("/p/app", "/app"),),
        ports=((8001, 8000),),
    )
    args = run_arguments(spec, tty=True)
    assert args[:3] == ["run", "--rm", "--interactive"]
    assert "--tty" in args and "--init" in args
    assert args[args.index("--user") + 1] == "1000:1000"
    assert args[args.index("--mount") + 1] == "type=bind,source=/p/app,target=/app"
    assert args[args.index("--publish") + 1] == "127.0.0.1:8001:8000"
    assert args[args.index("--env-file") + 1] == "/p/.env"
    assert args[-1] == "notes:dev"


def test_host_network_publishes_nothing_and_command_follows_the_image():
    spec = RunSpec(
        image="notes:prod",
        network="host",
        ports=((8001, 8000),),
        entrypoint="python",
        command=("-c", "print(1)"),
    )
    args = run_arguments(spec)
    assert "--publish" not in args
    assert args[args.index("--network") + 1] == "host"
    assert args[-3:] == ["notes:prod", "-c", "print(1)"]
    assert args.index("--entrypoint") < args.index("notes:prod")


def test_client_comes_from_option_then_environment(monkeypatch):
    monkeypatch.setenv("PARITY_DOCKER", "/opt/docker/bin/docker")
    assert client_from(None) == "/opt/docker/bin/docker"
    assert client_from("podman") == "podman"
    monkeypatch.delenv("PARITY_DOCKER")
    assert client_from(None) == "docker"


def test_missing_client_is_one_line_naming_it():
    with pytest.raises(DockerError) as caught:
        Docker(client="/nonexistent/docker").engine_version()
    message = str(caught.value)
    assert "'/nonexistent/docker' not found" in message and "PARITY_DOCKER" in message
    assert "\n" not in message


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client installed")
def test_no_engine_answering_says_how_to_start_one(monkeypatch, tmp_path):
    # A real client pointed at a socket nobody listens on: exactly what "no engine" looks like.
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nothing.sock")
    with pytest.raises(DockerError) as caught:
        Docker(client="docker").engine_version()
    message = str(caught.value)
    assert message.startswith("no Docker engine answers")
    assert "docker-up" in message and "systemctl start docker" in message
    assert "\n" not in message
