"""What is measured, how it is summarised, and the targets the figures are read against."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str
    digits: int = 2
    higher_is_better: bool = False


METRICS = [
    Metric("cold_prod_s", "cold build, prod (--no-cache)", "s", 1),
    Metric("cold_dev_s", "cold build, dev (--no-cache)", "s", 1),
    Metric("code_rebuild_s", "rebuild prod after a one-line view change", "s"),
    Metric("req_rebuild_s", "rebuild prod after adding a package", "s", 1),
    Metric("size_mb", "prod image size", "MB", 1),
    Metric("added_mb", "size added on top of the base image", "MB", 1),
    Metric("layers", "prod image layers", "", 0),
    Metric("first_200_s", "docker run → first HTTP 200 on /", "s"),
    Metric("stop_s", "docker stop", "s"),
    Metric("stop_exit", "exit code after docker stop", "", 0),
    Metric("dev_reload_s", "dev live reload: save → new page served", "s"),
    Metric("rps", "requests/s under load", "req/s", 0, higher_is_better=True),
    Metric("p99_ms", "p99 latency under load", "ms", 1),
    Metric("load_errors", "failed requests under load", "", 0),
    Metric("server_cores", "server CPU under load", "cores busy"),
    Metric("generator_cores", "load generator CPU under load", "cores busy"),
    Metric("cpu_ms_per_request", "server CPU per request under load", "ms", 3),
]

TOOL_METRICS = [
    Metric("scan_s", "parity scan, 5,000-file repository", "s", 3),
    Metric("init_dry_run_s", "parity init --dry-run, same repository", "s", 3),
    Metric("scan_init_s", "scan + init --dry-run", "s", 3),
]

BY_KEY = {m.key: m for m in METRICS + TOOL_METRICS}


@dataclass(frozen=True)
class Summary:
    values: tuple[float, ...]
    failures: int  # runs where the measurement could not be taken (e.g. never answered)

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def low(self) -> float | None:
        return min(self.values) if self.values else None

    @property
    def high(self) -> float | None:
        return max(self.values) if self.values else None

    def to_data(self) -> dict:
        return {
            "values": list(self.values),
            "failures": self.failures,
            "median": self.median,
            "min": self.low,
            "max": self.high,
        }


def summarise(samples: list[float | None]) -> Summary:
    values = tuple(float(v) for v in samples if v is not None)
    return Summary(values, len(samples) - len(values))


def ratio(numerator: Summary | None, denominator: Summary | None) -> float | None:
    if not numerator or not denominator:
        return None
    if numerator.median is None or not denominator.median:
        return None
    return numerator.median / denominator.median


@dataclass(frozen=True)
class Target:
    metric: str
    goal: str  # as the issue states it
    kind: str  # "ratio" (generated/article), "floor" (generated/floor) or "absolute"
    limit: float
    at_least: bool = False  # True: the figure must be >= limit


TARGETS = [
    Target("cold_prod_s", "≤ 0.6 × article", "ratio", 0.6),
    Target("code_rebuild_s", "≤ 0.6 × article", "ratio", 0.6),
    Target("code_rebuild_s", "≤ 1.3 × floor", "floor", 1.3),
    Target("req_rebuild_s", "≤ 0.5 × article", "ratio", 0.5),
    Target("added_mb", "≤ 0.5 × article", "ratio", 0.5),
    Target("first_200_s", "≤ 0.5 × article", "ratio", 0.5),
    Target("stop_s", "≤ 1 s", "absolute", 1.0),
    Target("stop_exit", "= 0", "absolute", 0.0),
    Target("dev_reload_s", "≤ 1 s", "absolute", 1.0),
    Target("rps", "≥ 2 × article", "ratio", 2.0, at_least=True),
    Target("p99_ms", "≤ 1 × article (no worse)", "ratio", 1.0),
    Target("scan_init_s", "< 0.5 s", "absolute", 0.5),
]


def check(target: Target, figure: float | None) -> bool | None:
    """Whether a figure meets a target; None when there is no figure to judge."""
    if figure is None:
        return None
    if target.at_least:
        return figure >= target.limit
    if target.metric == "scan_init_s":
        return figure < target.limit
    return figure <= target.limit
