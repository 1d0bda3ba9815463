"""Pure helpers of the benchmark: percentiles, targets and the markdown table (tested)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p50 of [1, 2, 3, 4] is 2, p95 of 1..100 is 95)."""
    if not values:
        return 0.0
    if not 0 <= pct <= 100:
        raise ValueError("pct must be between 0 and 100")
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return float(ordered[rank - 1])


@dataclass
class Measure:
    """One URL under one load: latencies in milliseconds."""

    name: str
    path: str
    clients: int
    requests: int
    seconds: float
    p50: float
    p95: float
    max: float
    errors: int
    queries: int | None = None
    target_p95: float | None = None
    target_ratio: float | None = None  # share of the ceiling's requests/s, e.g. 0.4
    ratio: float | None = None  # filled by apply_ceiling
    notes: list[str] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def passed(self) -> bool | None:
        """None when the row has no target (the ceiling itself)."""
        if self.target_p95 is None and self.target_ratio is None:
            return None
        ok = self.errors == 0 and self.requests > 0  # nothing answered in time is a failure
        if self.target_p95 is not None:
            ok = ok and self.p95 <= self.target_p95
        if self.target_ratio is not None and self.ratio is not None:
            ok = ok and self.ratio >= self.target_ratio
        return ok

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(rps=round(self.rps, 1), passed=self.passed)
        return data


def from_latencies(
    name: str, path: str, clients: int, latencies_ms: Sequence[float], seconds: float, errors: int
) -> Measure:
    return Measure(
        name=name,
        path=path,
        clients=clients,
        requests=len(latencies_ms),
        seconds=seconds,
        p50=percentile(latencies_ms, 50),
        p95=percentile(latencies_ms, 95),
        max=max(latencies_ms, default=0.0),
        errors=errors,
    )


def apply_ceiling(measures: list[Measure], ceiling_name: str) -> None:
    """Express each row's requests/s as a share of the ceiling's at the same concurrency."""
    ceilings = {m.clients: m.rps for m in measures if m.name == ceiling_name}
    for m in measures:
        top = ceilings.get(m.clients)
        m.ratio = m.rps / top if top else None


def _mark(value: bool | None) -> str:
    return "—" if value is None else ("✅" if value else "❌")


def format_table(measures: list[Measure]) -> str:
    header = (
        "| page | URL | clients | requêtes | req/s | % plafond | p50 ms | p95 ms | max ms "
        "| erreurs | requêtes SQL | objectif p95 | résultat |"
    )
    lines = [header, _separator(header)]
    for m in measures:
        ratio = f"{m.ratio * 100:.0f} %" if m.ratio is not None else "—"
        target = f"≤ {m.target_p95:.0f} ms" if m.target_p95 is not None else "—"
        if m.target_ratio is not None:
            target += f", ≥ {m.target_ratio * 100:.0f} %"
        queries = "—" if m.queries is None else str(m.queries)
        lines.append(
            f"| {m.name} | `{m.path}` | {m.clients} | {m.requests} | {m.rps:.1f} | {ratio} "
            f"| {m.p50:.1f} | {m.p95:.1f} | {m.max:.1f} | {m.errors} | {queries} | {target} "
            f"| {_mark(m.passed)} |"
        )
    return "\n".join(lines)


def _separator(header: str) -> str:
    return "|" + "---|" * (header.count("|") - 1)


# Issue 11: with ten times the data, each page's cost stays within this many times its cost at 1×.
GROWTH_LIMIT = 1.5


@dataclass
class Growth:
    """One row measured on two data sets: the p95 and requests/s of the larger one against
    the baseline's (a run of the same row at the same concurrency, e.g. at scale 1)."""

    name: str
    clients: int
    base_p95: float
    p95: float
    base_rps: float
    rps: float

    @property
    def p95_ratio(self) -> float:
        return self.p95 / self.base_p95 if self.base_p95 > 0 else math.inf

    @property
    def cost_ratio(self) -> float:
        """Time a request costs, from the throughput: base req/s over these req/s."""
        return self.base_rps / self.rps if self.rps > 0 else math.inf

    @property
    def passed(self) -> bool:
        return self.p95_ratio <= GROWTH_LIMIT and self.cost_ratio <= GROWTH_LIMIT


def growth(measures: list[Measure], baseline: list[dict], skip: str = "") -> list[Growth]:
    """The rows of `measures` also in `baseline` (Measure.as_dict() rows of an earlier run),
    matched on name and concurrency; `skip` names a row left out (the ceiling, the same code)."""
    base = {(row["name"], row["clients"]): row for row in baseline}
    rows = []
    for m in measures:
        old = base.get((m.name, m.clients))
        if old is None or m.name == skip or m.seconds <= 0:
            continue
        rows.append(Growth(m.name, m.clients, old["p95"], m.p95, old["rps"], m.rps))
    return rows


def format_growth(rows: list[Growth], base_label: str) -> str:
    header = (
        f"| page | clients | p95 ms ({base_label}) | p95 ms | × p95 | req/s ({base_label}) "
        f"| req/s | × coût | ≤ {GROWTH_LIMIT:g}× |"
    )
    lines = [header, _separator(header)]
    for g in rows:
        lines.append(
            f"| {g.name} | {g.clients} | {g.base_p95:.1f} | {g.p95:.1f} | {g.p95_ratio:.2f} "
            f"| {g.base_rps:.1f} | {g.rps:.1f} | {g.cost_ratio:.2f} | {_mark(g.passed)} |"
        )
    return "\n".join(lines)
