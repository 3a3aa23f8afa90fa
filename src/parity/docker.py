"""docker: the only module that runs the Docker CLI.

Builds need BuildKit (the generated Dockerfile uses RUN --mount): `docker
buildx build` where the buildx plugin answers, else `DOCKER_BUILDKIT=1 docker
build`, which clients with BuildKit built in (Debian's docker.io) understand.
The Python Docker SDK has no BuildKit, hence the CLI. PARITY_DOCKER (or
--docker) names the client binary.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from parity.errors import DockerError

START_ENGINE_HINT = (
    'start one (on these machines: eval "$(../shared/tools/docker-up)"; '
    "elsewhere: sudo systemctl start docker, or open Docker Desktop), "
    "or name another client with PARITY_DOCKER / --docker"
)

# BuildKit plain-progress lines: "#7 [prod 3/3] RUN ..." opens a step, "#7 ERROR: ..." fails it.
_STEP_LINE = re.compile(r"^#(\d+) (\[.+)$")
_ERROR_LINE = re.compile(r"^#(\d+) ERROR: (.+)$")
# Wrapping BuildKit puts around the one part of an early error a user needs.
_SOLVER_PREFIXES = (
    "failed to solve with frontend dockerfile.v0: ",
    "failed to solve: ",
    "failed to create LLB definition: ",
)


def client_from(option: str | None = None) -> str:
    """The client binary: --docker, else PARITY_DOCKER, else `docker` on PATH."""
    return option or os.environ.get("PARITY_DOCKER") or "docker"


@dataclass(frozen=True)
class RunSpec:
    """Everything `docker run` needs, kept as data so the argument list can be tested."""

    image: str
    name: str | None = None
    command: tuple[str, ...] = ()
    entrypoint: str | None = None
    detach: bool = False
    remove: bool = True
    interactive: bool = False  # -i, and -t when the terminal is one
    init: bool = False  # docker-init as PID 1, so signals reach a process that installs no handler
    network: str | None = None
    user: str | None = None
    workdir: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    env_files: tuple[str, ...] = ()
    mounts: tuple[tuple[str, str], ...] = ()  # (host path, container path) bind mounts
    ports: tuple[tuple[int, int], ...] = ()  # (host port, container port) published on 127.0.0.1


def run_arguments(spec: RunSpec, tty: bool = False) -> list[str]:
    """The arguments after the client binary for `docker run`."""
    args = ["run"]
    if spec.detach:
        args.append("--detach")
    if spec.remove:
        args.append("--rm")
    if spec.interactive:
        args.append("--interactive")
        if tty:
            args.append("--tty")
    if spec.init:
        args.append("--init")
    if spec.name:
        args += ["--name", spec.name]
    if spec.network:
        args += ["--network", spec.network]
    if spec.user:
        args += ["--user", spec.user]
    if spec.workdir:
        args += ["--workdir", spec.workdir]
    for env_file in spec.env_files:
        args += ["--env-file", env_file]
    for key, value in spec.env:
        args += ["--env", f"{key}={value}"]
    for source, target in spec.mounts:
        args += ["--mount", f"type=bind,source={source},target={target}"]
    # Published ports mean nothing on the host network (the container uses the host's).
    if spec.network != "host":
        for host_port, container_port in spec.ports:
            args += ["--publish", f"127.0.0.1:{host_port}:{container_port}"]
    if spec.entrypoint is not None:
        args += ["--entrypoint", spec.entrypoint]
    args.append(spec.image)
    args += list(spec.command)
    return args


def build_arguments(
    context: str,
    *,
    tag: str | None,
    target: str | None,
    dockerfile: str | None = None,
    network: str | None = None,
    build_args: Sequence[tuple[str, str]] = (),
    use_buildx: bool = False,
) -> list[str]:
    """The arguments after the client binary for a BuildKit build with plain progress output."""
    args = ["buildx", "build", "--load"] if use_buildx else ["build"]
    args += ["--progress=plain"]
    if dockerfile:
        args += ["--file", dockerfile]
    if target:
        args += ["--target", target]
    if tag:
        args += ["--tag", tag]
    if network:
        args += ["--network", network]
    for key, value in build_args:
        args += ["--build-arg", f"{key}={value}"]
    args.append(context)
    return args


def failing_step(lines: Sequence[str]) -> str | None:
    """From BuildKit plain output: "at <step>: <error>" for the failed step, else the error."""
    titles: dict[str, str] = {}
    failure: tuple[str, str] | None = None
    for line in lines:
        step = _STEP_LINE.match(line)
        if step:
            titles.setdefault(step.group(1), step.group(2))
            continue
        error = _ERROR_LINE.match(line)
        if error:
            failure = (error.group(1), error.group(2))
    if failure is not None:
        number, message = failure
        title = titles.get(number)
        return f"at {title}: {message}" if title else message
    # Errors before any step runs (unknown target, Dockerfile syntax) come as one line.
    for line in reversed(lines):
        if line.startswith(("ERROR:", "error:", "failed to solve")):
            message = line.split(":", 1)[1] if line.startswith(("ERROR:", "error:")) else line
            for noise in _SOLVER_PREFIXES:
                message = message.replace(noise, "")
            return message.strip()
    return None


@dataclass(frozen=True)
class BuildResult:
    tag: str | None
    target: str | None
    seconds: float
    image_id: str


@dataclass
class Docker:
    """A Docker client binary and the network every build and run uses."""

    client: str = field(default_factory=client_from)
    network: str | None = None
    _buildx: bool | None = None

    # -- plumbing -------------------------------------------------------------

    def _call(
        self,
        args: Sequence[str],
        *,
        capture: bool = True,
        env: dict[str, str] | None = None,
        timeout: float | None = None,
        input_text: str | None = None,
    ) -> subprocess.CompletedProcess:
        try:
            return subprocess.run(
                [self.client, *args],
                capture_output=capture,
                text=True,
                env=env,
                timeout=timeout,
                input=input_text,
                errors="replace",
            )
        except FileNotFoundError:
            raise self._client_missing() from None
        except subprocess.TimeoutExpired:
            raise DockerError(
                f"`{self.client} {' '.join(args[:2])}` did not finish in {timeout:.0f} s"
            ) from None

    def _client_missing(self) -> DockerError:
        return DockerError(
            f"Docker client {self.client!r} not found: install Docker, "
            "or name the client with PARITY_DOCKER / --docker"
        )

    def _checked(self, args: Sequence[str], what: str, **kwargs) -> str:
        result = self._call(args, **kwargs)
        if result.returncode != 0:
            message = (result.stderr or result.stdout or "").strip().splitlines()
            raise DockerError(f"{what} failed: {message[-1] if message else 'no output'}")
        return result.stdout

    # -- engine ---------------------------------------------------------------

    def engine_version(self) -> str:
        """The engine's version, or one DockerError line saying how to start one."""
        result = self._call(["version", "--format", "{{.Server.Version}}"], timeout=30)
        version = result.stdout.strip()
        if result.returncode != 0 or not version:
            reason = (result.stderr or "").strip().splitlines()
            detail = f" ({reason[-1]})" if reason else ""
            raise DockerError(f"no Docker engine answers{detail}: {START_ENGINE_HINT}")
        return version

    def has_buildx(self) -> bool:
        if self._buildx is None:
            self._buildx = self._call(["buildx", "version"], timeout=30).returncode == 0
        return self._buildx

    # -- images ---------------------------------------------------------------

    def build(
        self,
        context: str | Path,
        *,
        tag: str | None,
        target: str | None,
        dockerfile: str | Path | None = None,
        build_args: Sequence[tuple[str, str]] = (),
        echo: Callable[[str], None] | None = None,
    ) -> BuildResult:
        """Build one target with BuildKit, passing each output line to `echo` as it comes.

        On failure: a DockerError naming the failing step (the full output was echoed).
        """
        use_buildx = self.has_buildx()
        args = build_arguments(
            str(context),
            tag=tag,
            target=target,
            dockerfile=str(dockerfile) if dockerfile else None,
            network=self.network,
            build_args=build_args,
            use_buildx=use_buildx,
        )
        env = dict(os.environ)
        if not use_buildx:
            env["DOCKER_BUILDKIT"] = "1"
        echo = echo or _echo_to_stderr
        tail: deque[str] = deque(maxlen=4000)
        started = time.monotonic()
        try:
            process = subprocess.Popen(
                [self.client, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                env=env,
            )
        except FileNotFoundError:
            raise self._client_missing() from None
        assert process.stdout is not None
        try:
            for raw in process.stdout:
                line = raw.rstrip("\n")
                tail.append(line)
                echo(line)
            returncode = process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
        seconds = time.monotonic() - started
        what = f"target {target}" if target else "the last stage"
        if returncode != 0:
            lines = list(tail)
            if any("Cannot connect to the Docker daemon" in line for line in lines[-5:]):
                raise DockerError(f"no Docker engine answers: {START_ENGINE_HINT}")
            step = failing_step(lines) or (lines[-1] if lines else "no output")
            raise DockerError(
                f"building {what} failed {step}"
                if step.startswith("at ")
                else f"building {what} failed: {step}"
            )
        image_id = self.image_id(tag) if tag else _written_image(tail)
        return BuildResult(tag=tag, target=target, seconds=seconds, image_id=image_id)

    def image_inspect(self, image: str) -> dict:
        output = self._checked(["image", "inspect", image], f"docker image inspect {image}")
        data = json.loads(output)
        return data[0] if data else {}

    def image_id(self, image: str) -> str:
        return self._checked(
            ["image", "inspect", "--format", "{{.Id}}", image], f"docker image inspect {image}"
        ).strip()

    def image_exists(self, image: str) -> bool:
        return self._call(["image", "inspect", "--format", "{{.Id}}", image]).returncode == 0

    def remove_image(self, image: str) -> None:
        self._call(["image", "rm", "--force", image])

    def remove_untagged(self, image_id: str) -> None:
        """Remove an image by id unless a tag refers to it (`rm` by id would untag one)."""
        tags = self._call(["image", "inspect", "--format", "{{len .RepoTags}}", image_id])
        if tags.returncode == 0 and tags.stdout.strip() == "0":
            self._call(["image", "rm", image_id])

    # -- containers -----------------------------------------------------------

    def run(self, spec: RunSpec, *, timeout: float | None = None) -> subprocess.CompletedProcess:
        """Run a container to completion and capture its output."""
        return self._call(run_arguments(spec), timeout=timeout)

    def start(self, spec: RunSpec) -> str:
        """Start a detached container; its id. The caller removes it, so its logs outlive it."""
        detached = replace(spec, detach=True, remove=False)
        return self._checked(run_arguments(detached), f"docker run {spec.image}").strip()

    def run_foreground(self, spec: RunSpec) -> int:
        """Run attached to this terminal; Ctrl-C stops the container, which is then removed."""
        args = run_arguments(spec, tty=sys.stdin.isatty() and sys.stdout.isatty())
        try:
            process = subprocess.Popen([self.client, *args])
        except FileNotFoundError:
            raise self._client_missing() from None
        previous = _signals_interrupt()
        try:
            return process.wait()
        except KeyboardInterrupt:
            self._stop_attached(process, spec.name)
            raise
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)

    def _stop_attached(self, process: subprocess.Popen, name: str | None) -> None:
        # Ctrl-C in a terminal reached the client too; a signal sent to parity alone did not.
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            process.kill()
        if name:
            self.remove_container(name)

    def exec(
        self, container: str, command: Sequence[str], *, user: str | None = None, timeout=60
    ) -> subprocess.CompletedProcess:
        args = ["exec"]
        if user:
            args += ["--user", user]
        return self._call([*args, container, *command], timeout=timeout)

    def stop(self, container: str, grace: int = 10) -> float:
        """Stop a container (SIGTERM, then SIGKILL after `grace` s); seconds it took."""
        started = time.monotonic()
        self._call(["stop", "--time", str(grace), container], timeout=grace + 30)
        return time.monotonic() - started

    def remove_container(self, container: str) -> None:
        self._call(["rm", "--force", "--volumes", container], timeout=60)

    def is_running(self, container: str) -> bool:
        result = self._call(["container", "inspect", "--format", "{{.State.Running}}", container])
        return result.returncode == 0 and result.stdout.strip() == "true"

    def logs(self, container: str, tail: int = 30) -> str:
        result = self._call(["logs", "--tail", str(tail), container], timeout=30)
        return (result.stdout or "") + (result.stderr or "")

    def list_names(self, kind: str, prefix: str) -> list[str]:
        """Names of containers ("container") or image references ("image") starting with prefix."""
        if kind == "container":
            args = ["ps", "--all", "--filter", f"name=^{prefix}", "--format", "{{.Names}}"]
        else:
            args = ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"]
        result = self._call(args, timeout=60)
        return [n for n in result.stdout.split() if n.startswith(prefix)]


def _signals_interrupt() -> dict:
    """Make SIGTERM and SIGHUP act like Ctrl-C, so a closed terminal still cleans up."""

    def interrupt(number, frame):
        raise KeyboardInterrupt

    previous = {}
    for number in (signal.SIGTERM, signal.SIGHUP):
        try:
            previous[number] = signal.signal(number, interrupt)
        except ValueError:  # not the main thread: leave signals alone
            break
    return previous


def _echo_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _written_image(lines: Sequence[str]) -> str:
    """The image id BuildKit reports writing ("writing image sha256:... done")."""
    for line in reversed(lines):
        match = re.search(r"writing image (sha256:[0-9a-f]+)", line)
        if match:
            return match.group(1)
    return ""
