"""The demo organisation `make run` loads: idempotent, grows with every capability.

One module per story (the organisation, its spend, schedules, cards, credits, closes and
recommendations); `load.load_demo` runs them in order."""

from api.demo.chart import DEMO_CHART, demo_chart_csv
from api.demo.load import load_demo
from api.demo.org import (
    DEMO_DEFAULT_BUSINESS_UNIT,
    DEMO_PASSWORD,
    DEMO_SCOPES,
    DEMO_USERS,
    DEMO_YEAR,
    DemoLogin,
    DemoLogins,
    demo_logins,
)
from api.demo.plan import demo_spend_plan
from api.demo.schedules import DEMO_SCHEDULES

__all__ = [
    "DEMO_CHART",
    "DEMO_DEFAULT_BUSINESS_UNIT",
    "DEMO_PASSWORD",
    "DEMO_SCHEDULES",
    "DEMO_SCOPES",
    "DEMO_USERS",
    "DEMO_YEAR",
    "DemoLogin",
    "DemoLogins",
    "demo_chart_csv",
    "demo_logins",
    "demo_spend_plan",
    "load_demo",
]
