"""The eight roles and what each may do: one table, the only place that says so."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    FINANCIAL_ADMIN = "financial_admin"
    VENDOR_MANAGER = "vendor_manager"
    BUSINESS_UNIT_OWNER = "business_unit_owner"
    DEPARTMENT_OWNER = "department_owner"
    PORTFOLIO_OWNER = "portfolio_owner"
    PRODUCT_OWNER = "product_owner"
    CLOUD_ENGINEER = "cloud_engineer"


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    CONFIGURE = "configure"
    READ_AUDIT = "read_audit"
    REOPEN_PERIOD = "reopen_period"
    UPLOAD_CHART_OF_ACCOUNTS = "upload_chart_of_accounts"
    MANAGE_BUDGETS = "manage_budgets"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_CREDITS = "manage_credits"
    CLAIM_ANY = "claim_any"
    DECIDE_RECOMMENDATIONS = "decide_recommendations"
    CLOSE_PERIOD = "close_period"
    MANAGE_VENDOR_DATA = "manage_vendor_data"
    VIEW_ALL_SPEND = "view_all_spend"
    VIEW_UNALLOCATED = "view_unallocated"
    REFRESH_CUR = "refresh_cur"
    MONITOR = "monitor"
    DECIDE_SCHEDULES = "decide_schedules"
    DECIDE_SPEND_CARDS = "decide_spend_cards"
    MANAGE_WORKLOADS = "manage_workloads"
    CLAIM_OWN = "claim_own"
    EDIT_SCHEDULES = "edit_schedules"
    RESPOND_SPEND_CARDS = "respond_spend_cards"
    IMPLEMENT_RECOMMENDATIONS = "implement_recommendations"


_FINANCE = frozenset(
    {
        Permission.UPLOAD_CHART_OF_ACCOUNTS,
        Permission.MANAGE_BUDGETS,
        Permission.MANAGE_ACCOUNTS,
        Permission.MANAGE_CREDITS,
        Permission.CLAIM_ANY,
        Permission.DECIDE_RECOMMENDATIONS,
        Permission.CLOSE_PERIOD,
        Permission.VIEW_ALL_SPEND,
        Permission.VIEW_UNALLOCATED,
        Permission.REFRESH_CUR,
        Permission.MONITOR,
        Permission.DECIDE_SCHEDULES,
    }
)

# SPEC section 1. The Admin configures and onboards, and (like the finance roles) sees and
# may correct everything; owner actions (accept a spend card, submit a schedule) stay with owners.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _FINANCE
    | {
        Permission.MANAGE_USERS,
        Permission.CONFIGURE,
        Permission.READ_AUDIT,
        Permission.REOPEN_PERIOD,
    },
    Role.FINANCIAL_ADMIN: _FINANCE,
    Role.VENDOR_MANAGER: _FINANCE | {Permission.MANAGE_VENDOR_DATA},
    Role.BUSINESS_UNIT_OWNER: frozenset({Permission.MONITOR}),
    Role.DEPARTMENT_OWNER: frozenset({Permission.MONITOR}),
    Role.PORTFOLIO_OWNER: frozenset(
        {Permission.MONITOR, Permission.DECIDE_SCHEDULES, Permission.DECIDE_SPEND_CARDS}
    ),
    Role.PRODUCT_OWNER: frozenset(
        {
            Permission.MONITOR,
            Permission.MANAGE_WORKLOADS,
            Permission.CLAIM_OWN,
            Permission.EDIT_SCHEDULES,
            Permission.RESPOND_SPEND_CARDS,
        }
    ),
    Role.CLOUD_ENGINEER: frozenset({Permission.IMPLEMENT_RECOMMENDATIONS}),
}

# The hierarchy level (1 = top, "E1") an owner role is mapped to; roles without one see all
# spend (finance) or only what their task needs (cloud engineer).
ROLE_LEVEL: dict[Role, int] = {
    Role.BUSINESS_UNIT_OWNER: 1,
    Role.DEPARTMENT_OWNER: 2,
    Role.PORTFOLIO_OWNER: 3,
    Role.PRODUCT_OWNER: 4,
}

UNSCOPED_ROLES = frozenset({Role.ADMIN, Role.FINANCIAL_ADMIN, Role.VENDOR_MANAGER})


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def sees_all_spend(role: Role) -> bool:
    return role in UNSCOPED_ROLES


def parse_role(value: str) -> Role | None:
    try:
        return Role(value.strip().lower())
    except ValueError:
        return None
