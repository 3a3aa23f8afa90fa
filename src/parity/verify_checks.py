"""verify's judgements: each promise turned from measured facts into a result.

Nothing here runs Docker. verify.py measures (builds, runs, probes inside the
containers with the scripts below) and hands the facts to these functions, so
every rule can be tested without an engine.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name

PASS, FAIL, INFO, SKIP = "pass", "fail", "info", "skip"

CHECK_NAMES = {
    1: "targets build; plain build is prod",
    2: "prod answers HTTP and serves static",
    3: "prod runs as non-root, no compiler",
    4: "dev-only packages stay out of prod",
    5: "dev and prod share base layers",
    6: "manage.py check --deploy in prod",
    7: "docker stop is prompt",
    8: "dev source is live and user-owned",
    9: "no build placeholder left in prod",
    10: "sizes and timings",
}

STOP_BOUND_SECONDS = 3.0
RELOAD_BOUND_SECONDS = 2.0


@dataclass(frozen=True)
class CheckResult:
    number: int
    status: str  # pass, fail, info (reported, not judged) or skip (could not be measured)
    value: str  # what was measured, short
    detail: str = ""  # why it failed or was skipped, and what to do

    @property
    def name(self) -> str:
        return CHECK_NAMES[self.number]

    def as_dict(self) -> dict:
        return {
            "check": self.number,
            "name": self.name,
            "result": self.status,
            "value": self.value,
            "detail": self.detail,
        }


def skipped(number: int, reason: str) -> CheckResult:
    return CheckResult(number, SKIP, "-", reason)


# -- probes run inside the containers (python -c) ----------------------------------------------

# Installed distributions by canonical name: the venv has no pip, importlib.metadata always works.
DISTRIBUTIONS_SCRIPT = (
    "import importlib.metadata as m, json, re\n"
    "print(json.dumps({re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version"
    " for d in m.distributions() if d.metadata['Name']}))"
)

# For each distribution named in argv: "ok", "missing", "no module", or the import error.
IMPORT_SCRIPT = r"""
import importlib, importlib.metadata as m, json, sys
def modules(dist):
    top = dist.read_text('top_level.txt')
    if top:
        return [t.strip() for t in top.split() if t.strip() and not t.startswith('_')]
    names = []
    for f in dist.files or ():
        part = f.parts[0]
        if part.endswith(('.dist-info', '.data')) or part.startswith(('_', '..')) or part == 'bin':
            continue
        name = part[:-3] if part.endswith('.py') else part
        if (len(f.parts) > 1 or part.endswith('.py')) and name.isidentifier() and name not in names:
            names.append(name)
    return names
out = {}
for name in sys.argv[1:]:
    try:
        dist = m.distribution(name)
    except m.PackageNotFoundError:
        out[name] = 'missing'
        continue
    mods = modules(dist)
    if not mods:
        out[name] = 'no module'
        continue
    try:
        importlib.import_module(mods[0])
        out[name] = 'ok'
    except ModuleNotFoundError as e:
        out[name] = 'error: ' + str(e)
    except Exception as e:
        # Found and executed until it needed configured settings: importable.
        out[name] = 'ok' if type(e).__name__ in ('ImproperlyConfigured', 'AppRegistryNotReady') \
            else 'error: %s: %s' % (type(e).__name__, e)
print(json.dumps(out))
"""

# Every process in the container but this probe: [pid, command name, real uid].
PROCESSES_SCRIPT = r"""
import json, os
rows = []
for pid in os.listdir('/proc'):
    if not pid.isdigit() or int(pid) == os.getpid():
        continue
    try:
        with open('/proc/%s/status' % pid) as f:
            fields = dict(line.split(':', 1) for line in f if ':' in line)
    except OSError:
        continue
    rows.append([int(pid), fields['Name'].strip(), int(fields['Uid'].split()[0])])
print(json.dumps(sorted(rows)))
"""

COMPILER_NAMES = ("cc", "gcc", "c++", "g++", "clang", "clang++", "tcc", "x86_64-linux-gnu-gcc")

COMPILERS_SCRIPT = (
    "import glob, json, shutil\n"
    f"names = {list(COMPILER_NAMES)!r}\n"
    "found = [shutil.which(n) for n in names if shutil.which(n)]\n"
    "found += glob.glob('/usr/bin/*-linux-gnu-gcc-*') + glob.glob('/usr/bin/gcc-[0-9]*')\n"
    "print(json.dumps(sorted(set(found))))"
)

# Run through `manage.py shell -c`: the settings are the container's own, with the user's env.
STATIC_FILE_SNIPPET = r"""
import json, os
from django.conf import settings
root, url, pick = settings.STATIC_ROOT and str(settings.STATIC_ROOT), settings.STATIC_URL, None
if root and os.path.isdir(root):
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for f in sorted(files):
            if f.endswith(('.gz', '.br')) or f == 'staticfiles.json':
                continue
            pick = os.path.relpath(os.path.join(d, f), root)
            break
        if pick:
            break
print('PARITY-STATIC ' + json.dumps({'root': root, 'url': url, 'file': pick}))
"""

URLCONF_SNIPPET = (
    "import importlib; from django.conf import settings; "
    "print('PARITY-URLCONF ' + importlib.import_module(settings.ROOT_URLCONF).__file__)"
)

# Files under the app directory holding any of the values in argv (text files up to 1 MB).
LEAK_SCRIPT = r"""
import json, os, sys
root, values = sys.argv[1], [v.encode() for v in sys.argv[2:]]
hits = []
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x not in ('__pycache__', 'node_modules', '.git')]
    for f in files:
        path = os.path.join(d, f)
        if f.startswith('Dockerfile') or f.endswith(('.pyc', '.gz', '.br')):
            continue
        try:
            if os.path.getsize(path) > 1 << 20:
                continue
            with open(path, 'rb') as handle:
                data = handle.read()
        except OSError:
            continue
        hits += [path for v in values if v in data][:1]
print(json.dumps(hits))
"""


def marked_line(output: str, marker: str) -> str | None:
    """The rest of the first output line starting with marker (settings may print other lines)."""
    for line in output.splitlines():
        if line.startswith(marker + " "):
            return line[len(marker) + 1 :]
    return None


# -- reading the Dockerfile ----------------------------------------------------------------------


def _instructions(text: str) -> list[str]:
    """Instructions with line continuations joined and comments dropped."""
    out: list[str] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        out.append(current + stripped)
        current = ""
    if current.strip():
        out.append(current.strip())
    return out


def stage_instructions(text: str, stage: str) -> list[str]:
    """The instructions of the stage named `stage`, or of the last stage when none has that name."""
    stages: list[tuple[str | None, list[str]]] = []
    for instruction in _instructions(text):
        keyword = instruction.split(None, 1)[0].upper()
        if keyword == "FROM":
            match = re.search(r"\s+AS\s+(\S+)\s*$", instruction, re.IGNORECASE)
            stages.append((match.group(1).lower() if match else None, []))
        elif stages:
            stages[-1][1].append(instruction)
    for name, body in stages:
        if name == stage.lower():
            return body
    return stages[-1][1] if stages else []


_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)


def build_placeholders(dockerfile_text: str, stage: str = "prod") -> dict[str, str]:
    """Variables a RUN in the stage sets for one manage.py command (`NAME=value python manage.py`).

    Those are the values the settings got at build time only (collectstatic): placeholders.
    """
    found: dict[str, str] = {}
    for instruction in stage_instructions(dockerfile_text, stage):
        keyword, _, rest = instruction.partition(" ")
        if keyword.upper() != "RUN":
            continue
        words = re.sub(r"^(--\S+\s+)+", "", rest.strip())
        for command in re.split(r"&&|\|\||;", words):
            try:
                tokens = shlex.split(command)
            except ValueError:
                continue
            assignments = {}
            for token in tokens:
                match = _ASSIGNMENT.match(token)
                if not match:
                    break
                assignments[match.group(1)] = match.group(2)
            if "manage.py" in tokens[len(assignments) : len(assignments) + 3]:
                found.update(assignments)
    return found


# -- the checks -----------------------------------------------------------------------------------


def builds_check(
    seconds: Mapping[str, float],
    errors: Mapping[str, str],
    plain_id: str | None,
    prod_id: str | None,
) -> CheckResult:
    if errors:
        target, error = next(iter(errors.items()))
        return CheckResult(1, FAIL, f"{target} failed", error)
    value = ", ".join(f"{t} {s:.1f}s" for t, s in seconds.items())
    if not plain_id or plain_id != prod_id:
        return CheckResult(
            1,
            FAIL,
            value,
            f"plain `docker build` gave {short_id(plain_id)}, not prod {short_id(prod_id)}: "
            "make prod the last stage of the Dockerfile",
        )
    return CheckResult(1, PASS, value + "; plain build = prod")


def short_id(image_id: str | None) -> str:
    return (image_id or "nothing").removeprefix("sha256:")[:12]


def http_check(
    status: int | None,
    first_response_seconds: float | None,
    bound_seconds: float,
    path: str,
    static: StaticProbe,
    server_error: str = "",
) -> CheckResult:
    if status is None:
        value = "prod exited" if "exited" in server_error else f"no answer in {bound_seconds:.0f}s"
        return CheckResult(2, FAIL, value, server_error or "the server never answered")
    value = f"GET {path} {status} after {first_response_seconds:.1f}s"
    if not 200 <= status < 400:
        detail = f"GET {path} answered {status}; 2xx or 3xx expected"
        if status == 400:
            detail += " (400: is the Host allowed by ALLOWED_HOSTS? set it with --env-file)"
        return CheckResult(2, FAIL, value, detail)
    if static.url is None:
        value += f"; {static.note}"
        return CheckResult(2, PASS if static.fine_without else FAIL, value, static.note)
    value += f"; {static.url} {static.status}"
    if static.status != 200:
        return CheckResult(
            2,
            FAIL,
            value,
            f"collected static file {static.url} answered {static.status}, 200 expected "
            "(serve static files, e.g. with WhiteNoise)",
        )
    return CheckResult(2, PASS, value)


@dataclass(frozen=True)
class StaticProbe:
    """One collected static file asked for over HTTP, or why none was."""

    url: str | None = None
    status: int | None = None
    note: str = ""  # why there is no url
    fine_without: bool = False  # nothing to serve here (none collected, or served elsewhere)


def static_probe(found: Mapping[str, object]) -> StaticProbe:
    """What the STATIC_FILE_SNIPPET found: the URL path to ask for, or why there is none."""
    url = str(found.get("url") or "")
    if "://" in url or url.startswith("//"):
        return StaticProbe(note=f"static files served from {url}", fine_without=True)
    if not found.get("file"):
        return StaticProbe(note="no static files collected", fine_without=True)
    if not url:
        return StaticProbe(note="STATIC_URL is not set")
    url = "/" + url.strip("/") + "/"
    return StaticProbe(url=url + str(found["file"]))


def user_check(processes: Sequence[Sequence], compilers: Sequence[str]) -> CheckResult:
    """processes: [pid, name, uid] of every process in the running prod container."""
    if not processes:
        return CheckResult(3, FAIL, "no process", "no server process found in the prod container")
    root = [f"{name} (pid {pid})" for pid, name, uid in processes if uid == 0]
    uids = sorted({uid for _, _, uid in processes})
    value = f"uid {','.join(map(str, uids))} ({len(processes)} processes)"
    value += "; compiler: " + (", ".join(compilers) if compilers else "none")
    problems = []
    if root:
        problems.append("running as root: " + ", ".join(root) + " (add USER to the prod stage)")
    if compilers:
        problems.append(
            "compiler in the prod image: " + ", ".join(compilers) + " (build in a builder stage)"
        )
    return CheckResult(3, FAIL if problems else PASS, value, "; ".join(problems))


def packages_check(
    base: Mapping[str, str],
    dev: Mapping[str, str],
    prod: Mapping[str, str],
    declared_dev: Sequence[str],
    imports: Mapping[str, str],
) -> CheckResult:
    """base/dev/prod: installed {canonical name: version}; declared_dev: the dev-only requirements.

    Production's packages are what base holds (the production dependencies); what dev
    adds on top of base must not reach prod, and what base holds must be in dev and prod
    unchanged.
    """
    dev_only = sorted(set(dev) - set(base))
    problems = []
    leaked = [name for name in dev_only if name in prod]
    if leaked:
        problems.append("in prod too: " + ", ".join(leaked))
    declared = [canonicalize_name(n) for n in declared_dev]
    dev_declared_only = [n for n in declared if n not in base]
    not_importable = [
        f"{n} ({imports.get(n, 'not checked')})"
        for n in dev_declared_only
        if imports.get(n) not in ("ok", "no module")
    ]
    if not_importable:
        problems.append("not importable in dev: " + ", ".join(not_importable))
    for label, image in (("dev", dev), ("prod", prod)):
        missing = [n for n in sorted(base) if n not in image]
        changed = [
            f"{n} {base[n]}->{image[n]}" for n in sorted(base) if n in image and image[n] != base[n]
        ]
        if missing:
            problems.append(f"missing from {label}: " + ", ".join(missing))
        if changed:
            problems.append(f"other version in {label}: " + ", ".join(changed))
    server = sorted(set(prod) - set(base))
    value = (
        f"{len(base)} shared at same versions; dev adds {len(dev_only)}"
        f" ({', '.join(dev_declared_only) or 'none declared'}); prod adds "
        + (", ".join(f"{n} {prod[n]}" for n in server) or "nothing")
    )
    return CheckResult(4, FAIL if problems else PASS, value, "; ".join(problems))


def layers_check(base: Sequence[str], dev: Sequence[str], prod: Sequence[str]) -> CheckResult:
    value = f"base {len(base)} layers; dev +{len(dev) - len(base)}, prod +{len(prod) - len(base)}"
    problems = []
    for label, layers in (("dev", dev), ("prod", prod)):
        if list(layers[: len(base)]) == list(base):
            continue
        at = next(
            (i for i, (a, b) in enumerate(zip(base, layers, strict=False)) if a != b),
            min(len(base), len(layers)),
        )
        problems.append(f"{label} departs from base at layer {at + 1} of {len(base)}")
    if not problems:
        return CheckResult(5, PASS, value)
    hint = (
        "build dev and prod FROM base; if they already are, the build cache holds two results "
        "of one step (concurrent builds): `docker builder prune`, then build again"
    )
    return CheckResult(5, FAIL, value, "; ".join(problems) + f" ({hint})")


_FINDING = re.compile(r"\(([a-z_.]+\.[WE]\d+)\)")


def deploy_check(returncode: int, output: str, strict: bool) -> CheckResult:
    """`manage.py check --deploy`: errors fail; warnings fail only when strict."""
    codes = _FINDING.findall(output)
    warnings = [c for c in codes if ".W" in c]
    errors = [c for c in codes if ".E" in c]
    if returncode != 0 and not errors:
        last = output.strip().splitlines()[-1:] or ["no output"]
        return CheckResult(6, FAIL, f"exit {returncode}", last[0])
    value = f"{len(errors)} errors, {len(warnings)} warnings"
    if codes:
        value += ": " + ", ".join(sorted(set(codes)))
    if errors:
        return CheckResult(6, FAIL, value, "fix the errors `manage.py check --deploy` reports")
    if warnings and strict:
        return CheckResult(6, FAIL, value, "--strict: warnings fail")
    return CheckResult(6, PASS, value)


def stop_check(seconds: float) -> CheckResult:
    value = f"{seconds:.1f}s"
    if seconds >= STOP_BOUND_SECONDS:
        return CheckResult(
            7,
            FAIL,
            value,
            f"docker stop took {seconds:.1f}s (bound {STOP_BOUND_SECONDS:.0f}s): SIGTERM does not "
            "reach the server; use exec-form CMD/ENTRYPOINT and `exec` in entrypoint scripts",
        )
    return CheckResult(7, PASS, value)


def live_check(
    reload_seconds: float | None, owner: tuple[int, int] | None, expected: tuple[int, int]
) -> CheckResult:
    problems = []
    if reload_seconds is None:
        value = "edit not served"
        problems.append("a change to the bind-mounted source was never served: no auto-reload?")
    else:
        value = f"edit served after {reload_seconds:.1f}s"
        if reload_seconds > RELOAD_BOUND_SECONDS:
            problems.append(f"edit took {reload_seconds:.1f}s to be served (bound 2s)")
    if owner is None:
        value += "; container could not write the bind mount"
        problems.append("the dev container could not create a file in the bind-mounted source")
    else:
        value += f"; new file owned by {owner[0]}:{owner[1]}"
        if owner != expected:
            problems.append(
                f"files the container writes belong to {owner[0]}:{owner[1]}, "
                f"not the host user {expected[0]}:{expected[1]}"
            )
    return CheckResult(8, FAIL if problems else PASS, value, "; ".join(problems))


def placeholder_check(
    placeholders: Mapping[str, str], image_env: Sequence[str], leaked_files: Sequence[str]
) -> CheckResult:
    if not placeholders:
        return CheckResult(9, PASS, "no build-time placeholders")
    in_env = [entry.split("=", 1)[0] for entry in image_env if _is_leak(entry, placeholders)]
    value = f"{len(placeholders)} placeholders ({', '.join(sorted(placeholders))})"
    problems = []
    if in_env:
        problems.append("in the image environment: " + ", ".join(in_env))
    if leaked_files:
        problems.append("in files: " + ", ".join(leaked_files))
    if problems:
        return CheckResult(9, FAIL, value + " leaked", "; ".join(problems))
    return CheckResult(9, PASS, value + " gone")


def _is_leak(entry: str, placeholders: Mapping[str, str]) -> bool:
    name, _, value = entry.partition("=")
    return name in placeholders and value == placeholders[name]


def distinctive(values: Sequence[str]) -> list[str]:
    """Placeholder values worth searching files for: long enough not to match by chance."""
    return sorted({v for v in values if len(v) >= 8})


def measurements_check(
    sizes: Mapping[str, int], build_seconds: Mapping[str, float], first_response: float | None
) -> CheckResult:
    parts = [f"{t} {size / 1e6:.0f} MB" for t, size in sizes.items()]
    parts += [f"build {t} {s:.1f}s" for t, s in build_seconds.items()]
    if first_response is not None:
        parts.append(f"first response {first_response:.1f}s")
    return CheckResult(10, INFO, "; ".join(parts))


# -- output ---------------------------------------------------------------------------------------


def table(results: Sequence[CheckResult]) -> str:
    """The verify report as a fixed-width table, one row per check, details below failures."""
    rows = [("#", "check", "result", "measured")]
    rows += [(str(r.number), r.name, r.status.upper(), r.value) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        )
        if row is rows[0]:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 8)
    for r in results:
        if r.detail and r.status in (FAIL, SKIP):
            lines.append(f"{r.number}. {r.status}: {r.detail}")
    return "\n".join(lines)
