"""Tables. ORM classes stay in adapters: repositories turn them into domain objects.

One module per area; this package re-exports every table so `from adapters.db.models import X`
and Alembic's metadata see them all."""

from adapters.db.base import Base, UTCDateTime, utcnow
from adapters.db.models.accounts import (
    AccountRow,
    ClaimLockRow,
    ClaimRow,
    ClosedPeriodRow,
    CurEventRow,
    NegotiatedDiscountRow,
    RulesVersionRow,
    SplitLineRow,
    SplitVersionRow,
    WorkloadRow,
)
from adapters.db.models.anomalies import AnomalyRow
from adapters.db.models.close import (
    CloseEventRow,
    CloseFileRow,
    PeriodCloseRow,
)
from adapters.db.models.credits import (
    CreditApplicationRow,
    CreditRow,
)
from adapters.db.models.hierarchy import (
    BudgetImportRow,
    BudgetRow,
    BudgetVersionRow,
    FiscalYearRow,
    NodeRow,
)
from adapters.db.models.identity import (
    AuditEventRow,
    UserRow,
    UserScopeRow,
)
from adapters.db.models.integrations import (
    ApiTokenRow,
    WebhookDeliveryRow,
    WebhookSubscriptionRow,
)
from adapters.db.models.integrity import AuditChainHeadRow
from adapters.db.models.recommendations import (
    RecommendationBudgetRow,
    RecommendationHistoryRow,
    RecommendationImportRow,
    RecommendationRow,
)
from adapters.db.models.schedules import (
    NotificationRow,
    ScheduleApprovedMonthRow,
    ScheduleMonthRow,
    ScheduleRow,
)
from adapters.db.models.spend_cards import (
    JobLockRow,
    SpendCardNoteRow,
    SpendCardRow,
)

__all__ = [
    "ApiTokenRow",
    "WebhookDeliveryRow",
    "WebhookSubscriptionRow",
    "Base",
    "UTCDateTime",
    "utcnow",
    "UserRow",
    "AuditEventRow",
    "AuditChainHeadRow",
    "UserScopeRow",
    "FiscalYearRow",
    "NodeRow",
    "BudgetRow",
    "BudgetVersionRow",
    "BudgetImportRow",
    "ClosedPeriodRow",
    "AccountRow",
    "CurEventRow",
    "SplitVersionRow",
    "SplitLineRow",
    "WorkloadRow",
    "ClaimRow",
    "ClaimLockRow",
    "RulesVersionRow",
    "NegotiatedDiscountRow",
    "ScheduleRow",
    "ScheduleApprovedMonthRow",
    "ScheduleMonthRow",
    "NotificationRow",
    "SpendCardRow",
    "SpendCardNoteRow",
    "JobLockRow",
    "CreditRow",
    "CreditApplicationRow",
    "PeriodCloseRow",
    "CloseEventRow",
    "CloseFileRow",
    "RecommendationRow",
    "RecommendationHistoryRow",
    "RecommendationBudgetRow",
    "RecommendationImportRow",
    "AnomalyRow",
]
