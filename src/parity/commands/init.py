"""`parity init`: write the Dockerfile and its companions, safely and reproducibly."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

from parity import config, files
from parity.commands.common import add_project_options, options_from_args
from parity.generate import generate


def register(parser) -> None:
    add_project_options(parser)
    parser.add_argument(
        "--name",
        metavar="IMAGE",
        help="image name for <name>:<target> tags (default: the directory)",
    )
    parser.add_argument("--python", metavar="X.Y", help="Python version (default: the project's)")
    parser.add_argument(
        "--base-image", metavar="IMAGE", help="base image (default: python:X.Y-slim-<debian>)"
    )
    parser.add_argument(
        "--installer", choices=("uv", "pip"), help="installer for requirement files (default: uv)"
    )
    parser.add_argument(
        "--uv-source",
        choices=("pypi", "image"),
        help="where uv comes from: PyPI through pip (default: works wherever PyPI does) or "
        "its image, ghcr.io/astral-sh/uv (faster cold builds; needs that registry)",
    )
    parser.add_argument(
        "--server",
        choices=("gunicorn", "uvicorn"),
        help="production server (default: by WSGI/ASGI)",
    )
    parser.add_argument(
        "--port", type=int, metavar="N", help="port the app listens on (default: 8000)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--dry-run", action="store_true", help="print the files instead of writing them"
    )
    mode.add_argument("--diff", action="store_true", help="show what would change, write nothing")
    parser.add_argument(
        "--force", action="store_true", help="replace files you edited or wrote by hand"
    )


def run(args) -> int:
    result = generate(args.path, options_from_args(args))
    root, generated = Path(result.project.root), result.files

    outputs = dict(generated)
    unmanaged = {}
    to_save = {k: v for k, v in asdict(result.options).items() if v is not None}
    update = config.options_file_update(root, to_save)
    if update:
        rel, text = update
        outputs[rel] = text
        unmanaged[rel] = files.read_existing(root, rel)
    changes = files.plan_writes(root, outputs, force=args.force, unmanaged=unmanaged)

    if args.dry_run:
        for rel, text in generated.items():
            print(f"==> {rel} <==")
            print(text)
        return 0
    if args.diff:
        for change in changes:
            if change.action != "unchanged":
                print(files.diff(change), end="")
        return 0

    conflicts = [c for c in changes if c.action == "conflict"]
    if conflicts:
        for change in conflicts:
            print(files.diff(change), end="")
        for line in files.describe(changes):
            print(line, file=sys.stderr)
        print("nothing was written; keep your files, or replace them with --force", file=sys.stderr)
        return 1
    files.apply(root, changes)
    for line in files.describe(changes):
        print(line)
    for note in result.plan.notes:
        print(f"note: {note}")
    return 0
