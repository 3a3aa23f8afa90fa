"""The results as data (JSON) and as a markdown table with ratios and targets."""

from __future__ import annotations

from collections import defaultdict

from .buildlog import BuildStep
from .metrics import BY_KEY, METRICS, TARGETS, TOOL_METRICS, check, ratio, summarise

ARTICLE = "article"
FLOOR = "floor"
TOOL = "parity"  # the column the scan timings are recorded under


def build_data(
    *,
    mode: str,
    runs: int,
    warmup: int,
    machine: dict,
    settings: dict,
    labels: dict[str, str],
    samples: dict[str, dict[str, list]],  # variant → metric → one value per measured run
    warmup_samples: dict[str, dict[str, list]],
    steps: dict[str, dict[str, list[list[BuildStep]]]],  # variant → build kind → per run
    problems: list[str],
) -> dict:
    summaries = {
        variant: {metric: summarise(values) for metric, values in by_metric.items()}
        for variant, by_metric in samples.items()
    }
    generated = _compared(labels)
    ratios: dict[str, dict[str, float | None]] = defaultdict(dict)
    for metric in (m.key for m in METRICS):
        for variant in generated:
            own = summaries.get(variant, {}).get(metric)
            ratios[f"{variant}/article"][metric] = ratio(
                own, summaries.get(ARTICLE, {}).get(metric)
            )
            ratios[f"{variant}/floor"][metric] = ratio(own, summaries.get(FLOOR, {}).get(metric))
    targets = []
    for target in TARGETS:
        for variant in [TOOL] if target.metric in {m.key for m in TOOL_METRICS} else generated:
            summary = summaries.get(variant, {}).get(target.metric)
            if target.kind == "absolute":
                figure = summary.median if summary else None
            else:
                figure = ratios[
                    f"{variant}/{'article' if target.kind == 'ratio' else 'floor'}"
                ].get(target.metric)
            targets.append(
                {
                    "metric": target.metric,
                    "variant": variant,
                    "goal": target.goal,
                    "figure": figure,
                    "met": check(target, figure),
                }
            )
    return {
        "mode": mode,
        "runs": runs,
        "warmup_runs": warmup,
        "machine": machine,
        "settings": settings,
        "variants": labels,
        "metrics": {
            variant: {metric: s.to_data() for metric, s in by_metric.items()}
            for variant, by_metric in summaries.items()
        },
        "warmup": warmup_samples,
        "ratios": {k: v for k, v in ratios.items() if any(x is not None for x in v.values())},
        "targets": targets,
        "build_profiles": _profiles(steps),
        "problems": problems,
    }


def _compared(labels: dict[str, str]) -> list[str]:
    """The variants judged against the article and the floor: generated ones and candidates."""
    return [v for v in labels if v not in (ARTICLE, FLOOR, TOOL)]


def _profiles(steps: dict[str, dict[str, list[list[BuildStep]]]], count: int = 6) -> dict:
    """For each variant and build kind, the slowest steps on average over the runs."""
    profiles: dict = {}
    for variant, kinds in steps.items():
        for kind, runs in kinds.items():
            totals: dict[str, list[float]] = defaultdict(list)
            for run in runs:
                for step in run:
                    if not step.cached:
                        totals[step.name].append(step.seconds)
            averaged = sorted(
                ((name, sum(v) / len(runs)) for name, v in totals.items()),
                key=lambda item: item[1],
                reverse=True,
            )
            profiles.setdefault(variant, {})[kind] = [
                {"step": name, "seconds": round(seconds, 2)} for name, seconds in averaged[:count]
            ]
    return profiles


def _cell(summary: dict | None, digits: int) -> str:
    if not summary or summary["median"] is None:
        return "failed" if summary and summary["failures"] else "–"
    median = f"{summary['median']:.{digits}f}"
    if summary["min"] != summary["max"]:
        median += f" ({summary['min']:.{digits}f}–{summary['max']:.{digits}f})"
    if summary["failures"]:
        median += f", {summary['failures']} failed"
    return median


def _ratio_cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _verdict(targets: list[dict], metric: str) -> str:
    marks = []
    for t in (t for t in targets if t["metric"] == metric):
        mark = {True: "met", False: "MISSED", None: "no figure"}[t["met"]]
        who = t["variant"].removeprefix("generated-")
        marks.append(f"{t['goal']}: {mark}" + (f" ({who})" if t["variant"] != TOOL else ""))
    return "; ".join(marks)


def markdown(data: dict) -> str:
    labels = data["variants"]
    order = [v for v in labels if v != TOOL]
    generated = _compared(labels)
    ratio_columns = [(f"{v}/article", f"{labels[v]} / article") for v in generated]
    ratio_columns += [(f"{v}/floor", f"{labels[v]} / floor") for v in generated if FLOOR in labels]
    ratio_columns = [(k, title) for k, title in ratio_columns if k in data["ratios"]]

    header = ["figure", *(labels[v] for v in order), *(t for _, t in ratio_columns), "target"]
    lines = [
        f"{'Quick run' if data['mode'] == 'quick' else 'Full run'}: {data['runs']} measured run(s) "
        f"after {data['warmup_runs']} warm-up; median (min–max).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for metric in METRICS:
        row_data = [data["metrics"].get(v, {}).get(metric.key) for v in order]
        if not any(row_data):
            continue
        unit = f" ({metric.unit})" if metric.unit else ""
        row = [f"{metric.label}{unit}", *(_cell(d, metric.digits) for d in row_data)]
        row += [_ratio_cell(data["ratios"][k].get(metric.key)) for k, _ in ratio_columns]
        row.append(_verdict(data["targets"], metric.key))
        lines.append("| " + " | ".join(row) + " |")

    tool = data["metrics"].get(TOOL, {})
    if tool:
        lines += ["", "| the tool | seconds | target |", "|---|---|---|"]
        for metric in TOOL_METRICS:
            if metric.key in tool:
                lines.append(
                    f"| {metric.label} | {_cell(tool[metric.key], metric.digits)} | "
                    f"{_verdict(data['targets'], metric.key)} |"
                )

    machine = data["machine"]
    lines += [
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gb']} GB memory, "
        f"Docker {machine['docker']}, {machine['os']}; load generator: {machine['load_tool']}; "
        f"load average at start {machine['load_average_at_start']}; commit {machine['commit']}.",
    ]
    settings = data["settings"]
    if settings.get("load"):
        load = settings["load"]
        lines.append(
            f"Load: {load['connections']} connections for {load['seconds']} s "
            f"({load['threads']} load threads) after a {load['warmup_seconds']} s warm-up, GET /."
        )
    profiles = data["build_profiles"]
    if profiles:
        lines += ["", "Slowest build steps (seconds, mean over the measured runs):", ""]
        for variant in order:
            for kind in ("cold-prod", "code-rebuild", "req-rebuild"):
                steps = profiles.get(variant, {}).get(kind)
                if steps:
                    listed = "; ".join(f"`{s['step']}` {s['seconds']:.1f}" for s in steps[:4])
                    lines.append(f"- {labels[variant]}, {kind}: {listed}")
    if data["problems"]:
        lines += ["", "Problems:", "", *(f"- {p}" for p in data["problems"])]
    return "\n".join(lines) + "\n"


def collect(samples: dict, variant: str, figures: dict) -> None:
    for metric, value in figures.items():
        if metric in BY_KEY:
            samples.setdefault(variant, {}).setdefault(metric, []).append(value)
