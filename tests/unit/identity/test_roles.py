from __future__ import annotations

import pytest

from domain.identity.roles import (
    ROLE_LEVEL,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    can,
    parse_role,
    sees_all_spend,
)

P = Permission
# SPEC section 1, restated independently of the implementation's table.
EXPECTED = {
    Role.ADMIN: {
        P.MANAGE_USERS,
        P.CONFIGURE,
        P.READ_AUDIT,
        P.REOPEN_PERIOD,
        P.UPLOAD_CHART_OF_ACCOUNTS,
        P.VIEW_ALL_SPEND,
        P.CLOSE_PERIOD,
    },
    Role.FINANCIAL_ADMIN: {
        P.MANAGE_BUDGETS,
        P.MANAGE_ACCOUNTS,
        P.MANAGE_CREDITS,
        P.CLAIM_ANY,
        P.DECIDE_RECOMMENDATIONS,
        P.CLOSE_PERIOD,
        P.VIEW_ALL_SPEND,
        P.VIEW_UNALLOCATED,
        P.UPLOAD_CHART_OF_ACCOUNTS,
    },
    Role.VENDOR_MANAGER: {
        P.MANAGE_VENDOR_DATA,
        P.MANAGE_CREDITS,
        P.CLOSE_PERIOD,
        P.VIEW_ALL_SPEND,
        P.DECIDE_RECOMMENDATIONS,
    },
    Role.BUSINESS_UNIT_OWNER: {P.MONITOR},
    Role.DEPARTMENT_OWNER: {P.MONITOR},
    Role.PORTFOLIO_OWNER: {P.MONITOR, P.DECIDE_SCHEDULES, P.DECIDE_SPEND_CARDS},
    Role.PRODUCT_OWNER: {
        P.MONITOR,
        P.MANAGE_WORKLOADS,
        P.CLAIM_OWN,
        P.EDIT_SCHEDULES,
        P.RESPOND_SPEND_CARDS,
    },
    Role.CLOUD_ENGINEER: {P.IMPLEMENT_RECOMMENDATIONS},
}
NEVER = {
    Role.FINANCIAL_ADMIN: {P.MANAGE_USERS, P.REOPEN_PERIOD, P.READ_AUDIT, P.MANAGE_VENDOR_DATA},
    Role.VENDOR_MANAGER: {P.MANAGE_USERS, P.REOPEN_PERIOD},
    Role.BUSINESS_UNIT_OWNER: set(Permission) - {P.MONITOR},
    Role.DEPARTMENT_OWNER: set(Permission) - {P.MONITOR},
    Role.PORTFOLIO_OWNER: {
        P.VIEW_ALL_SPEND,
        P.EDIT_SCHEDULES,
        P.RESPOND_SPEND_CARDS,
        P.MANAGE_USERS,
    },
    Role.PRODUCT_OWNER: {
        P.DECIDE_SCHEDULES,
        P.DECIDE_SPEND_CARDS,
        P.VIEW_ALL_SPEND,
        P.CLAIM_ANY,
        P.MANAGE_USERS,
    },
    Role.CLOUD_ENGINEER: set(Permission) - {P.IMPLEMENT_RECOMMENDATIONS},
    Role.ADMIN: {P.MANAGE_VENDOR_DATA, P.RESPOND_SPEND_CARDS, P.EDIT_SCHEDULES},
}


class TestRoleTable:
    def test_there_are_exactly_eight_roles_all_in_the_table(self):
        assert len(Role) == 8
        assert set(ROLE_PERMISSIONS) == set(Role)

    @pytest.mark.parametrize("role", list(Role))
    def test_each_role_may_do_what_the_spec_says(self, role):
        assert all(can(role, p) for p in EXPECTED[role])

    @pytest.mark.parametrize("role", list(Role))
    def test_each_role_may_not_do_what_the_spec_withholds(self, role):
        assert not any(can(role, p) for p in NEVER[role])

    def test_owner_levels(self):
        assert ROLE_LEVEL == {
            Role.BUSINESS_UNIT_OWNER: 1,
            Role.DEPARTMENT_OWNER: 2,
            Role.PORTFOLIO_OWNER: 3,
            Role.PRODUCT_OWNER: 4,
        }

    def test_who_sees_all_spend(self):
        assert {r for r in Role if sees_all_spend(r)} == {
            Role.ADMIN,
            Role.FINANCIAL_ADMIN,
            Role.VENDOR_MANAGER,
        }

    def test_parse_role(self):
        assert parse_role(" Product_Owner ") is Role.PRODUCT_OWNER
        assert parse_role("owner") is None
