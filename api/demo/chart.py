"""The demo's chart of accounts for the year: 4 business units, 62 products.

The first products (Web Storefront, Mobile's iOS and Push, Shared Services) carry the demo's
stories (`api.demo.schedules.DEMO_SCHEDULES`); the rest fill the organisation so that the heat
map has most of a company in it. Product names are unique: the demo finds budgets by them."""

from __future__ import annotations

# business unit -> department -> portfolio -> (product, annual amount, cost centre)
_TREE: dict[str, dict[str, dict[str, tuple[tuple[str, str, str], ...]]]] = {
    "Retail": {
        "Digital Commerce": {
            "Web Storefront": (
                ("Catalog Service", "480000.00", "CC-1101"),
                ("Checkout", "360000.00", "CC-1102"),
                ("Search", "240000.00", "CC-1103"),
            ),
            "Mobile": (
                ("iOS App Backend", "180000.00", "CC-1104"),
                ("Push Notifications", "42000.00", "CC-1105"),
                ("Android App Backend", "168000.00", "CC-1106"),
            ),
            "Customer Experience": (
                ("Reviews & Ratings", "72000.00", "CC-1111"),
                ("Recommendations Engine", "264000.00", "CC-1112"),
                ("Personalisation", "150000.00", "CC-1113"),
                ("Support Chat", "54000.00", "CC-1114"),
            ),
        },
        "Stores": {
            "Point of Sale": (
                ("POS Gateway", "150000.00", "CC-1201"),
                ("Inventory Sync", "96000.00", "CC-1202"),
                ("Self-Checkout Kiosks", "84000.00", "CC-1204"),
                ("Store Wi-Fi", "30000.00", "CC-1205"),
            ),
            "Supply Chain": (
                ("Demand Forecasting", "310000.00", "CC-1203"),
                ("Warehouse Management", "228000.00", "CC-1211"),
                ("Route Planning", "126000.00", "CC-1212"),
                ("Supplier Portal", "48000.00", "CC-1213"),
            ),
            "Store Operations": (
                ("Workforce Scheduling", "66000.00", "CC-1221"),
                ("Loss Prevention", "90000.00", "CC-1222"),
            ),
        },
    },
    "Corporate": {
        "Finance": {
            "ERP": (
                ("General Ledger", "120000.00", "CC-2101"),
                ("Accounts Payable", "60000.00", "CC-2102"),
                ("Procurement", "78000.00", "CC-2104"),
                ("Expense Management", "42000.00", "CC-2105"),
            ),
            "Analytics": (
                ("FinOps Data Lake", "210000.00", "CC-2103"),
                ("Financial Planning", "108000.00", "CC-2111"),
                ("Executive Dashboards", "36000.00", "CC-2112"),
            ),
            "Treasury": (
                ("Cash Management", "60000.00", "CC-2121"),
                ("Tax Engine", "84000.00", "CC-2122"),
            ),
        },
        "People": {
            "HR Systems": (
                ("Payroll", "90000.00", "CC-2201"),
                ("Recruiting Portal", "36000.00", "CC-2202"),
                ("Learning Platform", "48000.00", "CC-2203"),
                ("Benefits Portal", "30000.00", "CC-2204"),
            ),
            "Workplace": (
                ("Intranet", "24000.00", "CC-2211"),
                ("Collaboration Suite", "96000.00", "CC-2212"),
            ),
        },
        "Legal & Risk": {
            "Compliance": (
                ("Contract Repository", "36000.00", "CC-2301"),
                ("Audit Trail Archive", "54000.00", "CC-2302"),
                ("Privacy Requests", "24000.00", "CC-2303"),
            ),
        },
    },
    "Platform": {
        "Cloud Engineering": {
            "Shared Services": (
                ("Kubernetes Platform", "720000.00", "CC-3101"),
                ("Observability", "264000.00", "CC-3102"),
            ),
            "Security": (
                ("Identity & Access", "132000.00", "CC-3103"),
                ("Secrets Management", "48000.00", "CC-3104"),
                ("Threat Detection", "156000.00", "CC-3105"),
                ("Vulnerability Scanning", "72000.00", "CC-3106"),
            ),
            "Developer Tooling": (
                ("CI/CD Pipelines", "198000.00", "CC-3111"),
                ("Artifact Registry", "42000.00", "CC-3112"),
                ("Developer Portal", "36000.00", "CC-3113"),
            ),
        },
        "Data": {
            "Data Platform": (
                ("Streaming Ingest", "390000.00", "CC-3201"),
                ("ML Training", "540000.00", "CC-3202"),
                ("Data Warehouse", "330000.00", "CC-3203"),
                ("Feature Store", "96000.00", "CC-3204"),
            ),
            "Analytics Engineering": (
                ("BI Reporting", "84000.00", "CC-3211"),
                ("Data Quality", "42000.00", "CC-3212"),
            ),
        },
    },
    "Marketplace": {
        "Seller Services": {
            "Seller Onboarding": (
                ("Seller Portal", "150000.00", "CC-4101"),
                ("KYC Verification", "66000.00", "CC-4102"),
                ("Listing Ingest", "120000.00", "CC-4103"),
            ),
            "Payouts": (
                ("Payout Engine", "180000.00", "CC-4111"),
                ("Payout Reconciliation", "54000.00", "CC-4112"),
                ("Seller Tax Reporting", "36000.00", "CC-4113"),
            ),
        },
        "Advertising": {
            "Sponsored Listings": (
                ("Ad Server", "240000.00", "CC-4201"),
                ("Bid Optimizer", "126000.00", "CC-4202"),
                ("Ad Analytics", "78000.00", "CC-4203"),
            ),
        },
    },
}

# (business unit, department, portfolio, product, annual amount, cost centre)
DEMO_CHART: tuple[tuple[str, str, str, str, str, str], ...] = tuple(
    (unit, department, portfolio, product, amount, centre)
    for unit, departments in _TREE.items()
    for department, portfolios in departments.items()
    for portfolio, products in portfolios.items()
    for product, amount, centre in products
)


def portfolio_of(product: str) -> tuple[str, str, str]:
    """The (business unit, department, portfolio) a product hangs under."""
    return next(row[:3] for row in DEMO_CHART if row[3] == product)


def demo_chart_csv() -> bytes:
    lines = ["Business Unit,Department,Portfolio,Product,Annual Budget,Cost Centre"]
    lines += [",".join(f'"{cell}"' for cell in row) for row in DEMO_CHART]
    return ("\n".join(lines) + "\n").encode()
