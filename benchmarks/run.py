"""Benchmark the Dockerfile `parity init` writes against the article's, side by side.

    eval "$(../shared/tools/docker-up)"     # a BuildKit-capable Docker engine
    .venv/bin/python benchmarks/run.py            # full run: 1 warm-up + 5 measured runs
    .venv/bin/python benchmarks/run.py --quick    # 1 run, no load test (CI's smoke test)

Variants run in turn within each run (article, generated uv, generated pip,
floor, then again), so slow drift on a shared machine spreads over all of them.
Results: a table on stdout, and markdown + JSON in benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib.docker_cli import BenchError, Docker, check_engine  # noqa: E402
from benchlib.load import load_tool_name  # noqa: E402
from benchlib.machine import machine_info  # noqa: E402
from benchlib.measure import LoadSettings, Measurer  # noqa: E402
from benchlib.report import TOOL, build_data, collect, markdown  # noqa: E402
from benchlib.synthetic import make_repository, time_scan_and_init  # noqa: E402
from benchlib.variants import (  # noqa: E402
    article_variant,
    candidate_variant,
    floor_variant,
    generated_variant,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
INSTALLERS = ("uv", "pip")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Measure the generated Dockerfile against the article's and the floor.",
    )
    parser.add_argument("--quick", action="store_true", help="1 run, no warm-up, no load test")
    parser.add_argument("--runs", type=int, default=5, help="measured runs (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="unreported warm-up runs (default 1)")
    parser.add_argument(
        "--connections", type=int, default=16, help="concurrent connections under load"
    )
    parser.add_argument("--load-seconds", type=float, default=10.0, help="length of the load test")
    parser.add_argument(
        "--scan-files", type=int, default=5000, help="files in the synthetic repository"
    )
    parser.add_argument(
        "--installers",
        default=",".join(INSTALLERS),
        help="installers to run parity init with (default uv,pip; the first makes the floor)",
    )
    parser.add_argument(
        "--candidate",
        type=Path,
        action="append",
        default=[],
        metavar="DOCKERFILE",
        help="also measure this Dockerfile in the first generated variant's files (repeatable)",
    )
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--prefix",
        default=f"parity-bench-{secrets.token_hex(3)}",
        help="name prefix of every image and container made (all removed at the end)",
    )
    args = parser.parse_args(argv)
    args.installers = [name.strip() for name in args.installers.split(",") if name.strip()]
    if not args.installers or set(args.installers) - set(INSTALLERS):
        parser.error(f"--installers takes a comma-separated subset of {', '.join(INSTALLERS)}")
    if args.quick:
        args.runs, args.warmup = 1, 0
    if args.runs < 1 or args.warmup < 0 or args.connections < 1 or args.load_seconds <= 0:
        parser.error(
            "--runs, --connections and --load-seconds must be positive, --warmup not negative"
        )
    return args


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _exit_on_sigterm(signum, frame) -> None:
    # A stopped run (CI's timeout, kill) still removes its images and containers.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        docker_version = check_engine()
    except BenchError as exc:
        print(f"benchmarks: {exc}", file=sys.stderr)
        return 1
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = args.results_dir / stamp
    (out_dir / "build-logs").mkdir(parents=True, exist_ok=True)
    docker = Docker(out_dir / "build-logs")
    load = None if args.quick else LoadSettings(args.connections, args.load_seconds)

    try:
        with tempfile.TemporaryDirectory(prefix="parity-bench-") as workdir:
            data = _measure(args, Path(workdir), out_dir, docker, docker_version, load)
    except BenchError as exc:
        print(f"benchmarks: {exc}", file=sys.stderr)
        return 1
    finally:
        leftovers = docker.cleanup()
        if leftovers:
            print(f"benchmarks: could not remove {', '.join(leftovers)}", file=sys.stderr)

    text = markdown(data)
    (out_dir / "results.md").write_text(text, encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    for name in ("results.md", "results.json"):
        (args.results_dir / f"latest-{data['mode']}.{name.split('.')[1]}").write_text(
            (out_dir / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    print(text)
    print(f"Written to {out_dir}/results.md and results.json")
    return 0


def _measure(args, workdir: Path, out_dir: Path, docker: Docker, docker_version: str, load) -> dict:
    log("preparing variants (parity init for each installer)")
    article = article_variant(workdir)
    generated = [generated_variant(workdir, installer) for installer in args.installers]
    candidates = [candidate_variant(workdir, generated[0], path) for path in args.candidate]
    variants = [article, *generated, *candidates, floor_variant(workdir, generated[0])]
    labels = {v.key: v.label for v in variants} | {TOOL: "parity"}
    _keep_files_measured(variants, out_dir / "files")
    repository = make_repository(workdir / "synthetic", args.scan_files)

    measurer = Measurer(docker, args.prefix, load)
    session = secrets.token_hex(3)  # fresh edits each invocation: no cache from an earlier one
    samples: dict = {}
    warmup_samples: dict = {}
    steps: dict = {}
    problems: list[str] = []
    for run in range(args.warmup + args.runs):
        warm = run < args.warmup
        run_name = f"w{run + 1}" if warm else f"r{run - args.warmup + 1}"
        for variant in variants:
            log(f"{run_name} {variant.label}")
            result = measurer.measure(variant, run_name, f"{session}-{variant.key}-{run_name}")
            collect(warmup_samples if warm else samples, variant.key, result.figures)
            problems += [f"{run_name}: {p}" for p in result.problems]
            if not warm:
                for kind, kind_steps in result.steps.items():
                    steps.setdefault(variant.key, {}).setdefault(kind, []).append(kind_steps)
        try:
            scan_s, init_s = time_scan_and_init(repository)
            tool_figures = {"scan_s": scan_s, "init_dry_run_s": init_s}
            tool_figures["scan_init_s"] = scan_s + init_s
        except BenchError as exc:
            problems.append(f"{run_name}: {exc}")
            tool_figures = dict.fromkeys(("scan_s", "init_dry_run_s", "scan_init_s"))
        collect(warmup_samples if warm else samples, TOOL, tool_figures)

    settings = {
        "prefix": args.prefix,
        "scan_files": args.scan_files,
        "load": None if load is None else asdict(load),
    }
    return build_data(
        mode="quick" if args.quick else "full",
        runs=args.runs,
        warmup=args.warmup,
        machine=machine_info(docker_version, load_tool_name() if load else "none (no load test)"),
        settings=settings,
        labels=labels,
        samples=samples,
        warmup_samples=warmup_samples,
        steps=steps,
        problems=problems,
    )


def _keep_files_measured(variants, destination: Path) -> None:
    """Each variant's Dockerfile and server config as measured: the templates move on."""
    for variant in variants:
        for relative in ("Dockerfile", ".dockerignore", "app/gunicorn.conf.py"):
            source = variant.context / relative
            if source.is_file():
                target = destination / variant.key / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)


if __name__ == "__main__":
    sys.exit(main())
