"""The demo's spend plan: what the generated CUR holds for each account, month by month, and
how each account is split (one account remapped mid-year), so that every product lands where
its story wants it against its schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from adapters.cur.generator import account_ids, generate_cur
from api.demo.chart import DEMO_CHART
from api.demo.org import DEMO_GROWTH, DEMO_YEAR

# The demo CUR's size. Its rows are a fixed number per day covered (a multiple of 24: rows
# come in hourly series), so that the months already over are the same rows whatever day the
# demo is loaded on: the months before the current one, their anomalies included, do not move
# with the date (only the month in progress grows). About 73 rows per account and day, as
# many as the 9-account demo had.
DEMO_CUR_ROWS_PER_DAY = 24 * 52
DEMO_CUR_ACCOUNTS = 17
DEMO_CUR_RESOURCES = 1700

# Budget spend ÷ scheduled amount of each product with spend (its colour in the demo year, with
# ColourBands' defaults): within ±2 % black, under by more green, over by up to 10 % orange,
# over by more red. Checkout also gets its workloads' claims (moving spend to it from Catalog
# Service) and a load-test spike, so it lands well into red.
DEMO_SPEND_RATIOS: dict[str, Decimal] = {
    name: Decimal(ratio)
    for name, ratio in (
        ("Checkout", "1.15"),
        ("Catalog Service", "0.95"),
        ("Search", "0.90"),
        ("Kubernetes Platform", "1.00"),  # black
        ("Observability", "0.80"),  # green
        ("ML Training", "0.85"),
        ("Streaming Ingest", "0.95"),
        ("Feature Store", "1.00"),  # from July only (the remap), no schedule yet: gray
        ("iOS App Backend", "1.06"),  # orange
        ("Push Notifications", "1.30"),  # red
        ("Android App Backend", "0.97"),
        ("General Ledger", "0.90"),
        ("Accounts Payable", "0.90"),
        ("Procurement", "1.01"),
        ("Expense Management", "0.94"),
        ("FinOps Data Lake", "0.90"),
        ("Financial Planning", "0.97"),
        ("Executive Dashboards", "1.12"),
        ("Cash Management", "0.99"),
        ("Tax Engine", "0.91"),
        ("Contract Repository", "0.86"),
        ("Audit Trail Archive", "1.07"),
        ("Demand Forecasting", "0.90"),
        ("Warehouse Management", "1.05"),
        ("Route Planning", "0.93"),
        ("Supplier Portal", "0.80"),
        ("Identity & Access", "0.95"),
        ("Secrets Management", "1.00"),
        ("Threat Detection", "1.14"),
        ("Vulnerability Scanning", "0.92"),
        ("Reviews & Ratings", "0.92"),
        ("Recommendations Engine", "1.08"),
        ("Personalisation", "1.22"),
        ("Support Chat", "1.00"),
        ("POS Gateway", "0.96"),
        ("Inventory Sync", "1.04"),
        ("Self-Checkout Kiosks", "1.18"),
        ("Workforce Scheduling", "0.88"),
        ("Loss Prevention", "1.00"),
        ("Payroll", "0.95"),
        ("Recruiting Portal", "0.75"),
        ("Learning Platform", "1.03"),
        ("Benefits Portal", "0.89"),
        ("Collaboration Suite", "1.10"),  # its schedule is pending: gray
        ("CI/CD Pipelines", "1.06"),
        ("Artifact Registry", "0.95"),
        ("Developer Portal", "0.84"),
        ("Data Warehouse", "0.99"),
        ("BI Reporting", "1.09"),
        ("Data Quality", "0.90"),
        ("Seller Portal", "0.94"),
        ("KYC Verification", "1.16"),
        ("Listing Ingest", "1.00"),
        ("Payout Engine", "0.96"),
        ("Payout Reconciliation", "1.05"),
        ("Seller Tax Reporting", "0.90"),  # its schedule is a draft: gray
        ("Ad Server", "1.04"),
        ("Bid Optimizer", "1.25"),
        ("Ad Analytics", "0.93"),
    )
}
# The products of each demo account, in account id order (the last account is not split:
# its spend stays Unallocated). Store Wi-Fi, the Intranet and Privacy Requests run on no AWS
# account: their budgets have no spend.
_DEMO_ACCOUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Production", ("Checkout", "Catalog Service")),
    ("Production", ("Search",)),
    ("Shared", ("Kubernetes Platform", "Observability")),
    ("Production", ("ML Training", "Streaming Ingest")),
    ("Pre-Production", ("iOS App Backend", "Push Notifications", "Android App Backend")),
    (
        "Production",
        ("General Ledger", "Accounts Payable", "FinOps Data Lake", "Procurement"),
    ),
    (
        "Development",
        ("Demand Forecasting", "Warehouse Management", "Route Planning", "Supplier Portal"),
    ),
    (
        "Sandbox",
        ("Identity & Access", "Secrets Management", "Threat Detection", "Vulnerability Scanning"),
    ),
    (
        "Production",
        ("Reviews & Ratings", "Recommendations Engine", "Personalisation", "Support Chat"),
    ),
    (
        "Production",
        (
            "POS Gateway",
            "Inventory Sync",
            "Self-Checkout Kiosks",
            "Workforce Scheduling",
            "Loss Prevention",
        ),
    ),
    (
        "Production",
        ("Payroll", "Recruiting Portal", "Learning Platform", "Benefits Portal"),
    ),
    (
        "Production",
        (
            "Financial Planning",
            "Executive Dashboards",
            "Cash Management",
            "Tax Engine",
            "Expense Management",
            "Contract Repository",
            "Audit Trail Archive",
            "Collaboration Suite",
        ),
    ),
    ("Shared", ("CI/CD Pipelines", "Artifact Registry", "Developer Portal")),
    ("Production", ("Data Warehouse", "BI Reporting", "Data Quality")),
    (
        "Production",
        (
            "Seller Portal",
            "KYC Verification",
            "Listing Ingest",
            "Payout Engine",
            "Payout Reconciliation",
            "Seller Tax Reporting",
        ),
    ),
    ("Production", ("Ad Server", "Bid Optimizer", "Ad Analytics")),
)
# The remap: the Feature Store launched on 1 July on the data platform's account, whose split
# was remapped from that day to give it its share.
DEMO_REMAP = (3, date(DEMO_YEAR, 7, 1), "Feature Store")
DEMO_UNALLOCATED_PER_MONTH = Decimal("3000")
# The load test of the 12th: Checkout's account spends 30,000 more on 12 August (a normal day
# is about 2,500).
DEMO_SPIKE = (date(DEMO_YEAR, 8, 12), 60000.0)

Shares = list[tuple[str, str]]


@dataclass(frozen=True)
class DemoSplit:
    """An account's type, its split from 1 January, and its remaps (from, shares)."""

    account_id: str
    kind: str
    shares: Shares
    remaps: list[tuple[date, Shares]]


@dataclass(frozen=True)
class DemoSpendPlan:
    """What the demo CUR holds (usage from January to `until`; the months before `until`'s
    month final) and how its accounts are split."""

    rows: int
    months: int
    final_months: int
    until: date
    monthly_spend: dict[tuple[str, str], float]
    spikes: dict[tuple[str, date], float]
    splits: list[DemoSplit]


def _annual(product: str) -> Decimal:
    return next(Decimal(row[4]) for row in DEMO_CHART if row[3] == product)


def _percentages(weights: list[Decimal]) -> list[Decimal]:
    """Percentages with 2 decimals in proportion to `weights`, totalling exactly 100.00
    (largest remainder)."""
    total = sum(weights, Decimal(0))
    raw = [w * 10000 / total for w in weights]
    floors = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in order[: 10000 - sum(floors)]:
        floors[i] += 1
    return [Decimal(f) / 100 for f in floors]


def _shares(products: tuple[str, ...]) -> tuple[Shares, Decimal]:
    """The split of an account among `products` by what each should spend, and that yearly
    spend."""
    wanted = [DEMO_SPEND_RATIOS[p] * _annual(p) for p in products]
    pcts = _percentages(wanted)
    return [(p, f"{pct:.2f}") for p, pct in zip(products, pcts, strict=True)], sum(
        wanted, Decimal(0)
    )


def demo_spend_plan(today: date) -> DemoSpendPlan:
    """The demo CUR stops yesterday (by the clock at load): the current month is partial and
    not final, past months are final. Run after the demo year, the year is whole and final.
    Each account spends, month by month, what its products' ratios ask of their growing
    schedules; the split percentages follow the same ratios."""
    yesterday = today - timedelta(days=1)
    until = yesterday if yesterday.year == DEMO_YEAR else date(DEMO_YEAR, 12, 31)
    months = until.month
    month_ends = (until + timedelta(days=1)).day == 1
    ids = sorted(account_ids(DEMO_CUR_ACCOUNTS))
    total_weight = sum(DEMO_GROWTH.values(), Decimal(0))
    remapped, remap_from, launched = DEMO_REMAP
    spend: dict[tuple[str, str], float] = {}
    splits: list[DemoSplit] = []
    for index, account_id in enumerate(ids):
        yearly_from: list[tuple[date, Decimal]] = []
        if index < len(_DEMO_ACCOUNTS):
            kind, products = _DEMO_ACCOUNTS[index]
            shares, yearly = _shares(products)
            yearly_from.append((date(DEMO_YEAR, 1, 1), yearly))
            remaps: list[tuple[date, Shares]] = []
            if index == remapped:
                later, later_yearly = _shares((*products, launched))
                remaps.append((remap_from, later))
                yearly_from.append((remap_from, later_yearly))
            splits.append(DemoSplit(account_id, kind, shares, remaps))
        else:
            yearly_from.append((date(DEMO_YEAR, 1, 1), DEMO_UNALLOCATED_PER_MONTH * 12))
        for m in range(1, months + 1):
            period = f"{DEMO_YEAR}-{m:02d}"
            first = date(DEMO_YEAR, m, 1)
            yearly = [y for since, y in yearly_from if since <= first][-1]
            amount = yearly * DEMO_GROWTH[period] / total_weight
            if m == months and not month_ends:
                days = (date(DEMO_YEAR + m // 12, m % 12 + 1, 1) - first).days
                amount = amount * until.day / days
            spend[(account_id, period)] = float(amount)
    spike_day, extra = DEMO_SPIKE
    spikes = {(ids[0], spike_day): extra} if spike_day <= until else {}
    return DemoSpendPlan(
        rows=DEMO_CUR_ROWS_PER_DAY * ((until - date(DEMO_YEAR, 1, 1)).days + 1),
        months=months,
        final_months=months if month_ends else months - 1,
        until=until,
        monthly_spend=spend,
        spikes=spikes,
        splits=splits,
    )


def generate_demo_cur(out_dir: Path, plan: DemoSpendPlan) -> list[Path]:
    """Write the demo CUR of `plan` under `out_dir` (its parquet files, in period order)."""
    return generate_cur(
        out_dir,
        rows=plan.rows,
        accounts=DEMO_CUR_ACCOUNTS,
        resources=DEMO_CUR_RESOURCES,
        months=plan.months,
        start=f"{DEMO_YEAR}-01",
        final_months=plan.final_months,
        until=plan.until,
        monthly_spend=plan.monthly_spend,
        spikes=plan.spikes,
    )
