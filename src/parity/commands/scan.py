"""`parity scan`: what the tool found in a project, each fact with where it came from."""

from __future__ import annotations

from parity.commands.common import add_project_options
from parity.model import Fact, Origin, Project, to_data
from parity.scan import scan

# Bumped only when a field is removed or changes meaning (docs/scan-json.md).
JSON_SCHEMA_VERSION = 1
LABEL_WIDTH = 24
VALUE_WIDTH = 44


def register(parser) -> None:
    add_project_options(parser)
    parser.add_argument("--json", action="store_true", help="print the facts as JSON")


def run(args) -> int:
    project = scan(args.path, manage=args.manage, settings=args.settings)
    if args.json:
        import json  # only --json needs it: keep the plain command's start-up small

        print(json.dumps({"schema": JSON_SCHEMA_VERSION, "project": to_data(project)}, indent=2))
    else:
        print("\n".join(report(project)))
    return 0


def _show(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value) if value else "(empty)"
    return str(value)


def _row(label: str, value, origin: Origin | None = None, note: str = "") -> str:
    where = str(origin) if origin else note
    text = _show(value)
    first = f"  {label:<{LABEL_WIDTH}}"
    if len(text) > VALUE_WIDTH:  # a long value gets its own line so the sources stay aligned
        return f"{first}{text}\n{'':<{len(first) + VALUE_WIDTH}}  {where}".rstrip()
    return f"{first}{text:<{VALUE_WIDTH}}  {where}".rstrip()


def _fact(label: str, fact: Fact) -> str:
    return _row(label, fact.value, fact.origin, fact.note)


def report(project: Project) -> list[str]:
    s, deps = project.settings, project.dependencies
    lines = [f"{project.name}: {project.root}", "", "Layout"]
    lines.append(_fact("manage.py", project.manage_py))
    lines.append(_row("code root", project.code_root, note="the directory holding manage.py"))
    lines += ["", "Settings"]
    lines.append(_fact("settings module", s.module))
    lines.append(_row("settings file", s.file))
    lines.append(_fact("production module", s.production_module))
    lines.append(_fact("WSGI application", s.wsgi_application))
    lines.append(_fact("ASGI application", s.asgi_application))
    lines.append(_fact("STATIC_ROOT", s.static_root))
    lines.append(_fact("STATIC_URL", s.static_url))
    lines.append(_fact("MEDIA_ROOT", s.media_root))
    lines.append(_fact("WhiteNoise", s.whitenoise))
    lines.append(_fact("static storage", s.static_storage))
    for engine in s.database_engines or (Fact(None),):
        lines.append(_fact("database engine", engine))
    lines.append(_fact("ALLOWED_HOSTS", s.allowed_hosts))
    lines.append(_fact("CSRF_TRUSTED_ORIGINS", s.csrf_trusted_origins))
    lines.append(_fact("SECURE_SSL_REDIRECT", s.secure_ssl_redirect))
    lines.append(_fact("USE_I18N", s.use_i18n))
    lines.append(_fact("LANGUAGE_CODE", s.language_code))
    lines.append(_fact("LANGUAGES", s.languages))
    if s.configuration.value:
        lines.append(_fact("configuration class", s.configuration))
    lines += ["", "Environment the settings need at import (placeholders at build time)"]
    for var in s.required_env:
        lines.append(_row(var.name, f"{var.how} ({var.cast})", var.origin))
    if not s.required_env:
        lines.append("  (none)")
    lines += ["", "Python"]
    lines.append(_fact("version", project.python))
    lines += ["", f"Dependencies (manager: {deps.manager})"]
    lines.append(_row("production", [r.spec for r in deps.prod], None, ", ".join(deps.prod_inputs)))
    lines.append(
        _row("development only", [r.spec for r in deps.dev], None, ", ".join(deps.dev_inputs))
    )
    if deps.lock_file:
        lines.append(_row("lock file", deps.lock_file))
    if deps.dev_groups or deps.dev_extras:
        lines.append(_row("dev groups/extras", deps.dev_groups + deps.dev_extras))
    lines += ["", "System packages (Debian)"]
    for need in project.system_needs:
        packages = list(need.runtime_packages) + [f"{p} (build)" for p in need.build_packages]
        lines.append(_row(need.package, packages, need.origin, need.reason))
    if not project.system_needs:
        lines.append("  (none needed)")
    lines += ["", "Other parts"]
    lines.append(_fact("ASGI", project.is_asgi))
    lines.append(_fact("Celery app", project.celery_app))
    front = project.frontend
    lines.append(
        _row(
            "front-end build",
            f"npm run {front.build_script}" if front else None,
            front.origin if front else None,
        )
    )
    lines.append(_fact("test runner", project.test_runner))
    lines.append(_fact("existing Dockerfile", project.dockerfile))
    lines.append(_fact("existing .dockerignore", project.dockerignore))
    lines.append(_fact("existing compose file", project.compose_file))
    if project.notes:
        lines += ["", "Notes"] + [f"  - {note}" for note in project.notes]
    return lines
