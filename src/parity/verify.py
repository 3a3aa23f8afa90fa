"""verify: build base, dev and prod, run them, and measure each promise the Dockerfile makes.

The measuring happens here (through parity.docker); the judging is in
verify_checks.py. The user's source is never modified: the live-reload check
edits a temporary copy of the code root.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from parity import verify_checks as checks
from parity.docker import Docker, RunSpec
from parity.errors import DockerError, ParityError
from parity.runtime import TARGETS, BuildContext, dev_run_spec, free_port, prod_run_spec
from parity.verify_checks import CheckResult

# Copying these into the live-reload check's copy of the source would be slow and useless.
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".hg",
    "node_modules",
    "__pycache__",
    ".venv",
    "venv",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
)
PROBE_PATH = "/__parity_probe__/"
# Sent with every request: a proxy would terminate TLS in production (SECURE_PROXY_SSL_HEADER).
FORWARDED = {"X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class VerifyOptions:
    path: str = "/"  # the page check 2 asks for
    host: str = "localhost"  # the Host header: one ALLOWED_HOSTS accepts
    timeout: float = 60.0  # bound for the first HTTP response
    strict: bool = False  # check --deploy warnings fail too
    env_files: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    declared_dev: tuple[str, ...] | None = None  # dev-only requirements (None: read by scan)
    code_root: Path | None = None  # the directory holding manage.py (None: read by scan)


@dataclass
class Report:
    project: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status != checks.FAIL for r in self.results)

    def as_dict(self) -> dict:
        return {
            "project": self.project,
            "ok": self.ok,
            "checks": [r.as_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2)


def verify(
    context: BuildContext,
    docker: Docker,
    options: VerifyOptions,
    progress: Callable[[str], None] | None = None,
    build_output: Callable[[str], None] | None = None,
) -> Report:
    """Build, run and check everything; one result per promise, in order."""
    say = progress or (
        lambda message: print(f"parity verify: {message}", file=sys.stderr, flush=True)
    )
    quiet = build_output or (lambda line: None)
    report = Report(project=context.name)
    found: dict[int, CheckResult] = {}

    # 1: every target builds, and a plain build (no --target) gives prod.
    build_seconds: dict[str, float] = {}
    build_errors: dict[str, str] = {}
    ids: dict[str, str] = {}
    for target in TARGETS:
        say(f"building {context.image(target)}")
        try:
            result = context.build(docker, target, echo=quiet)
        except DockerError as error:
            build_errors[target] = str(error)
            break
        build_seconds[target] = result.seconds
        ids[target] = result.image_id
    plain_id = None
    if not build_errors:
        say("building with no --target")
        try:
            plain_id = context.build(docker, None, echo=quiet).image_id
        except DockerError as error:
            build_errors["plain build"] = str(error)
    found[1] = checks.builds_check(build_seconds, build_errors, plain_id, ids.get("prod"))
    if plain_id and plain_id != ids.get("prod"):
        docker.remove_untagged(plain_id)  # the plain build's own image: nothing else refers to it
    if build_errors:
        for number in range(2, 11):
            found[number] = checks.skipped(number, "not measured: a target did not build")
        report.results = [found[n] for n in sorted(found)]
        return report

    images = {target: docker.image_inspect(context.image(target)) for target in TARGETS}
    layers = {t: (images[t].get("RootFS") or {}).get("Layers") or [] for t in TARGETS}
    found[5] = checks.layers_check(layers["base"], layers["dev"], layers["prod"])

    say("comparing installed packages")
    found[4] = _guard(4, lambda: _packages(context, docker, options))

    say("running prod")
    first_response = _run_prod(context, docker, options, images["prod"], found)

    say("running dev with a copy of the source")
    found[8] = _guard(8, lambda: _live_dev(context, docker, options))

    sizes = {t: int(images[t].get("Size") or 0) for t in TARGETS}
    found[10] = checks.measurements_check(sizes, build_seconds, first_response)
    report.results = [found[n] for n in sorted(found)]
    return report


def _guard(number: int, measure: Callable[[], CheckResult]) -> CheckResult:
    """A check whose measuring failed is a failed check with the reason, not a crash."""
    try:
        return measure()
    except (DockerError, ParityError, OSError, ValueError) as error:
        return CheckResult(number, checks.FAIL, "could not measure", str(error))


# -- 4: packages ---------------------------------------------------------------------------------


def _probe(docker: Docker, image: str, script: str, *args: str, options=None) -> object:
    """Run a Python probe in a fresh container of `image`; its JSON answer (last output line)."""
    spec = RunSpec(
        image=image,
        entrypoint="python",
        command=("-c", script, *args),
        network=docker.network,
        env_files=options.env_files if options else (),
        env=options.env if options else (),
    )
    result = docker.run(spec, timeout=120)
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        error = (result.stderr or result.stdout).strip().splitlines()
        raise DockerError(f"probe in {image} failed: {error[-1] if error else 'no output'}")
    return json.loads(lines[-1])


def _packages(context: BuildContext, docker: Docker, options: VerifyOptions) -> CheckResult:
    installed = {t: _probe(docker, context.image(t), checks.DISTRIBUTIONS_SCRIPT) for t in TARGETS}
    declared = options.declared_dev
    if declared is None:
        declared = _declared_dev(context)
    dev_only = sorted(set(installed["dev"]) - set(installed["base"]))
    to_import = [n for n in declared if n in dev_only] if declared else dev_only
    imports = (
        _probe(docker, context.image("dev"), checks.IMPORT_SCRIPT, *to_import, options=options)
        if to_import
        else {}
    )
    return checks.packages_check(
        installed["base"], installed["dev"], installed["prod"], declared or dev_only, imports
    )


def _declared_dev(context: BuildContext) -> tuple[str, ...]:
    from packaging.utils import canonicalize_name

    from parity.scan import scan

    try:
        project = scan(context.root)
    except ParityError:
        return ()
    return tuple(canonicalize_name(r.name) for r in project.dependencies.dev)


# -- 2, 3, 6, 7, 9: a running prod container -----------------------------------------------------


def _run_prod(
    context: BuildContext,
    docker: Docker,
    options: VerifyOptions,
    inspected: dict,
    found: dict[int, CheckResult],
) -> float | None:
    port = free_port()
    name = context.container_name("verify-prod")
    spec = prod_run_spec(
        docker,
        context.image("prod"),
        name=name,
        port=port,
        env_files=options.env_files,
        env=options.env,
        detach=True,
    )
    started = time.monotonic()
    try:
        docker.start(spec)
        status, seconds, error = wait_for_http(
            docker, name, port, options.path, options.host, options.timeout, started
        )
        static = checks.StaticProbe(note="not asked")
        if status is not None:
            static = _static_probe(docker, name, port, options.host)
        found[2] = checks.http_check(status, seconds, options.timeout, options.path, static, error)
        if status is None:
            for number in (3, 6, 7, 9):
                found[number] = checks.skipped(number, "not measured: prod did not answer")
            return None
        found[3] = _guard(
            3,
            lambda: checks.user_check(
                _exec_json(docker, name, checks.PROCESSES_SCRIPT),
                _exec_json(docker, name, checks.COMPILERS_SCRIPT),
            ),
        )
        found[6] = _guard(6, lambda: _check_deploy(docker, name, options.strict))
        found[9] = _guard(9, lambda: _placeholders(context, docker, name, inspected))
        found[7] = checks.stop_check(docker.stop(name))
        return seconds
    finally:
        docker.remove_container(name)


def http_get(port: int, path: str, host: str, timeout: float = 5.0) -> tuple[int, str]:
    """(status, body) of one GET to 127.0.0.1:port; redirects are not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host, **FORWARDED})
        response = connection.getresponse()
        return response.status, response.read(65536).decode("utf-8", "replace")
    finally:
        connection.close()


def wait_for_http(
    docker: Docker,
    container: str,
    port: int,
    path: str,
    host: str,
    timeout: float,
    started: float,
) -> tuple[int | None, float | None, str]:
    """Poll until the server answers: (status, seconds since start, why it never did)."""
    deadline = started + timeout
    checked_running = 0.0
    while time.monotonic() < deadline:
        try:
            status, _ = http_get(port, path, host, timeout=max(1.0, deadline - time.monotonic()))
            return status, time.monotonic() - started, ""
        except (OSError, http.client.HTTPException):
            pass
        if time.monotonic() - checked_running > 1.0:
            checked_running = time.monotonic()
            if not docker.is_running(container):
                logs = docker.logs(container).strip().splitlines()
                return None, None, "the container exited: " + (logs[-1] if logs else "no output")
        time.sleep(0.1)
    logs = docker.logs(container).strip().splitlines()
    return None, None, f"no answer in {timeout:.0f}s; last log line: {logs[-1] if logs else '-'}"


def _exec_json(docker: Docker, container: str, script: str, *args: str) -> object:
    result = docker.exec(container, ["python", "-c", script, *args])
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        error = (result.stderr or result.stdout).strip().splitlines()
        raise DockerError(f"probe in {container} failed: {error[-1] if error else 'no output'}")
    return json.loads(lines[-1])


def _manage_shell(docker: Docker, container: str, snippet: str, marker: str) -> str:
    result = docker.exec(container, ["python", "manage.py", "shell", "-c", snippet])
    line = checks.marked_line(result.stdout, marker)
    if result.returncode != 0 or line is None:
        error = (result.stderr or result.stdout).strip().splitlines()
        raise DockerError(f"manage.py shell failed: {error[-1] if error else 'no output'}")
    return line


def _static_probe(docker: Docker, container: str, port: int, host: str) -> checks.StaticProbe:
    """Ask the server for one file collectstatic wrote (found by the container's own settings)."""
    try:
        line = _manage_shell(docker, container, checks.STATIC_FILE_SNIPPET, "PARITY-STATIC")
        probe = checks.static_probe(json.loads(line))
    except (DockerError, ValueError) as error:
        return checks.StaticProbe(note=f"cannot find a collected static file: {error}")
    if probe.url is None:
        return probe
    try:
        status, _ = http_get(port, probe.url, host)
    except (OSError, http.client.HTTPException) as error:
        return checks.StaticProbe(note=f"GET {probe.url} failed: {error}")
    return replace(probe, status=status)


def _check_deploy(docker: Docker, container: str, strict: bool) -> CheckResult:
    result = docker.exec(container, ["python", "manage.py", "check", "--deploy"], timeout=120)
    return checks.deploy_check(result.returncode, result.stdout + result.stderr, strict)


def _placeholders(
    context: BuildContext, docker: Docker, container: str, inspected: dict
) -> CheckResult:
    text = context.dockerfile.read_text(encoding="utf-8", errors="replace")
    placeholders = checks.build_placeholders(text, "prod")
    config = inspected.get("Config") or {}
    leaked: list[str] = []
    values = checks.distinctive(list(placeholders.values()))
    if values:
        leaked = list(
            _exec_json(
                docker, container, checks.LEAK_SCRIPT, config.get("WorkingDir") or "/app", *values
            )
        )
    return checks.placeholder_check(placeholders, config.get("Env") or [], leaked)


# -- 8: dev with a live source --------------------------------------------------------------------


def _live_dev(context: BuildContext, docker: Docker, options: VerifyOptions) -> CheckResult:
    source = options.code_root or _scanned_code_root(context)
    scratch = Path(tempfile.mkdtemp(prefix="parity-verify-"))
    copy = scratch / "src"
    shutil.copytree(source, copy, symlinks=True, ignore=COPY_IGNORE)
    port = free_port()
    name = context.container_name("verify-dev")
    image = context.image("dev")
    spec = dev_run_spec(
        docker,
        image,
        copy,
        name=name,
        port=port,
        env_files=options.env_files,
        env=options.env,
        detach=True,
    )
    workdir = spec.mounts[0][1]
    try:
        docker.start(replace(spec, interactive=False))
        status, _, error = wait_for_http(
            docker, name, port, "/", options.host, options.timeout, time.monotonic()
        )
        if status is None:
            value = "dev exited" if "exited" in error else "dev did not answer"
            return CheckResult(8, checks.FAIL, value, error)
        urlconf = _manage_shell(docker, name, checks.URLCONF_SNIPPET, "PARITY-URLCONF")
        host_file = copy / os.path.relpath(urlconf, workdir)
        reload_seconds = _edit_and_wait(host_file, port, options.host)
        owner = _created_file_owner(docker, name, copy, workdir)
        return checks.live_check(reload_seconds, owner, (os.getuid(), os.getgid()))
    finally:
        docker.remove_container(name)
        shutil.rmtree(scratch, ignore_errors=True)


def _scanned_code_root(context: BuildContext) -> Path:
    from parity.runtime import code_root

    return code_root(context.root)


def _edit_and_wait(urls_file: Path, port: int, host: str, limit: float = 15.0) -> float | None:
    """Append a probe view to the URLconf; seconds until the running server serves it."""
    token = secrets.token_hex(8)
    probe = (
        "\n\n# Added by parity verify to a temporary copy of the source.\n"
        "from django.http import HttpResponse as _parity_response\n"
        "from django.urls import path as _parity_path\n"
        "urlpatterns = list(urlpatterns) + [\n"
        f"    _parity_path({PROBE_PATH[1:]!r}, lambda request: _parity_response({token!r}))\n"
        "]\n"
    )
    with urls_file.open("a", encoding="utf-8") as handle:
        handle.write(probe)
    edited = time.monotonic()
    while time.monotonic() - edited < limit:
        try:
            status, body = http_get(port, PROBE_PATH, host, timeout=2.0)
            if status == 200 and token in body:
                return time.monotonic() - edited
        except (OSError, http.client.HTTPException):
            pass  # the server is restarting
        time.sleep(0.05)
    return None


def _created_file_owner(
    docker: Docker, container: str, copy: Path, workdir: str
) -> tuple[int, int] | None:
    """Have the container create a file in the bind mount; its owner as the host sees it."""
    probe = ".parity-owner-probe"
    result = docker.exec(
        container, ["python", "-c", f"open({workdir + '/' + probe!r}, 'w').write('parity')"]
    )
    path = copy / probe
    if result.returncode != 0 or not path.exists():
        return None
    info = path.stat()
    return info.st_uid, info.st_gid
