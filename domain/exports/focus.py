"""The FOCUS 1.2 export of allocated cost: which columns, and what each holds.

FOCUS (the FinOps Open Cost and Usage Specification) names the columns a cost and usage
dataset carries; version 1.2 is the one exported here. A column is Mandatory (always present),
Conditional (present when the provider supports what it describes) or Recommended. Custom
columns carry the `x_` prefix: the allocation rides along as `x_Budget`, `x_BudgetId`,
`x_BusinessUnit`, `x_Department`, `x_Portfolio`, `x_Product`, `x_WorkloadId` and
`x_LineItemType` (the CUR line item type the row comes from).

What each FOCUS column holds is in `docs/reports.md`; the essentials:
- one row per allocated line: a CUR daily row (account, resource, service, line item type,
  usage day) or its part for one budget (a shared account's split), plus the credits and
  refunds (not budget spend, so unallocated) and the negotiated discount lines the allocation
  added;
- `BilledCost` is the line's part of the CUR's unblended cost: summed over the export it is
  the period's CUR total exactly; negotiated discount lines bill nothing (AWS does not invoice
  them) and carry the discount in `EffectiveCost` and `ContractedCost`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

FocusFormat = Literal["parquet", "csv"]


class Presence(StrEnum):
    MANDATORY = "Mandatory"
    CONDITIONAL = "Conditional"
    RECOMMENDED = "Recommended"


@dataclass(frozen=True)
class FocusColumn:
    name: str
    presence: Presence


M, C, R = Presence.MANDATORY, Presence.CONDITIONAL, Presence.RECOMMENDED

# The FOCUS 1.2 columns, with their presence in the specification. `EXPORTED` are the ones this
# export writes (every Mandatory one, and the Conditional / Recommended ones it can fill).
FOCUS_1_2_COLUMNS: tuple[FocusColumn, ...] = (
    FocusColumn("AvailabilityZone", R),
    FocusColumn("BilledCost", M),
    FocusColumn("BillingAccountId", M),
    FocusColumn("BillingAccountName", M),
    FocusColumn("BillingAccountType", C),
    FocusColumn("BillingCurrency", M),
    FocusColumn("BillingPeriodEnd", M),
    FocusColumn("BillingPeriodStart", M),
    FocusColumn("CapacityReservationId", C),
    FocusColumn("CapacityReservationStatus", C),
    FocusColumn("ChargeCategory", M),
    FocusColumn("ChargeClass", M),
    FocusColumn("ChargeDescription", M),
    FocusColumn("ChargeFrequency", R),
    FocusColumn("ChargePeriodEnd", M),
    FocusColumn("ChargePeriodStart", M),
    FocusColumn("CommitmentDiscountCategory", C),
    FocusColumn("CommitmentDiscountId", C),
    FocusColumn("CommitmentDiscountName", C),
    FocusColumn("CommitmentDiscountQuantity", C),
    FocusColumn("CommitmentDiscountStatus", C),
    FocusColumn("CommitmentDiscountType", C),
    FocusColumn("CommitmentDiscountUnit", C),
    FocusColumn("ConsumedQuantity", C),
    FocusColumn("ConsumedUnit", C),
    FocusColumn("ContractedCost", M),
    FocusColumn("ContractedUnitPrice", C),
    FocusColumn("EffectiveCost", M),
    FocusColumn("InvoiceId", R),
    FocusColumn("InvoiceIssuerName", M),
    FocusColumn("ListCost", M),
    FocusColumn("ListUnitPrice", C),
    FocusColumn("PricingCategory", C),
    FocusColumn("PricingCurrency", C),
    FocusColumn("PricingCurrencyContractedUnitPrice", C),
    FocusColumn("PricingCurrencyEffectiveCost", C),
    FocusColumn("PricingCurrencyListUnitPrice", C),
    FocusColumn("PricingQuantity", M),
    FocusColumn("PricingUnit", M),
    FocusColumn("ProviderName", M),
    FocusColumn("PublisherName", M),
    FocusColumn("RegionId", C),
    FocusColumn("RegionName", C),
    FocusColumn("ResourceId", C),
    FocusColumn("ResourceName", C),
    FocusColumn("ResourceType", C),
    FocusColumn("ServiceCategory", M),
    FocusColumn("ServiceName", M),
    FocusColumn("ServiceSubcategory", R),
    FocusColumn("SkuId", C),
    FocusColumn("SkuMeter", C),
    FocusColumn("SkuPriceDetails", C),
    FocusColumn("SkuPriceId", C),
    FocusColumn("SubAccountId", C),
    FocusColumn("SubAccountName", C),
    FocusColumn("SubAccountType", C),
    FocusColumn("Tags", C),
)

MANDATORY: tuple[str, ...] = tuple(c.name for c in FOCUS_1_2_COLUMNS if c.presence is M)

# the FOCUS columns written, in this order, then the custom ones
EXPORTED: tuple[str, ...] = (
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "ResourceId",
    "ServiceCategory",
    "ServiceName",
    "SubAccountId",
    "SubAccountName",
)
CUSTOM: tuple[str, ...] = (
    "x_Budget",
    "x_BudgetId",
    "x_BusinessUnit",
    "x_Department",
    "x_Portfolio",
    "x_Product",
    "x_WorkloadId",
    "x_LineItemType",
)

# CUR line item type -> FOCUS ChargeCategory and ChargeFrequency
CHARGE: dict[str, tuple[str, str]] = {
    "Usage": ("Usage", "Usage-Based"),
    "DiscountedUsage": ("Usage", "Usage-Based"),
    "SavingsPlanCoveredUsage": ("Usage", "Usage-Based"),
    "SavingsPlanNegation": ("Usage", "Usage-Based"),
    "EdpDiscount": ("Usage", "Usage-Based"),
    "PrivateRateDiscount": ("Usage", "Usage-Based"),
    "BundledDiscount": ("Usage", "Usage-Based"),
    "Discount": ("Usage", "Usage-Based"),
    "NegotiatedDiscount": ("Adjustment", "Usage-Based"),
    "Tax": ("Tax", "One-Time"),
    "Credit": ("Credit", "One-Time"),
    "Refund": ("Adjustment", "One-Time"),
    "RIFee": ("Purchase", "Recurring"),
    "Fee": ("Purchase", "One-Time"),
    "SavingsPlanRecurringFee": ("Purchase", "Recurring"),
    "SavingsPlanUpfrontFee": ("Purchase", "One-Time"),
}
DEFAULT_CHARGE = ("Usage", "Usage-Based")

# AWS service code -> FOCUS ServiceCategory (the common ones; the rest are "Other")
SERVICE_CATEGORY: dict[str, str] = {
    "AmazonEC2": "Compute",
    "AWSLambda": "Compute",
    "AmazonECS": "Compute",
    "AmazonEKS": "Compute",
    "AWSFargate": "Compute",
    "AmazonS3": "Storage",
    "AmazonEFS": "Storage",
    "AmazonGlacier": "Storage",
    "AWSBackup": "Storage",
    "AmazonRDS": "Databases",
    "AmazonDynamoDB": "Databases",
    "AmazonElastiCache": "Databases",
    "AmazonRedshift": "Databases",
    "AmazonDocDB": "Databases",
    "AmazonVPC": "Networking",
    "AmazonCloudFront": "Networking",
    "AmazonRoute53": "Networking",
    "AWSELB": "Networking",
    "AWSDataTransfer": "Networking",
    "AmazonCloudWatch": "Management and Governance",
    "AWSCloudTrail": "Management and Governance",
    "AWSConfig": "Management and Governance",
    "AWSSecretsManager": "Security",
    "awskms": "Security",
    "AWSKMS": "Security",
    "AmazonGuardDuty": "Security",
    "AmazonSNS": "Integration",
    "AmazonSQS": "Integration",
    "AmazonKinesis": "Analytics",
    "AmazonAthena": "Analytics",
    "AWSGlue": "Analytics",
    "AmazonSageMaker": "AI and Machine Learning",
    "AmazonBedrock": "AI and Machine Learning",
}


@dataclass(frozen=True)
class BudgetLabel:
    """What the export writes of a budget: its id, hierarchy names and fiscal year."""

    budget_id: int
    business_unit: str
    department: str
    portfolio: str
    product: str

    @property
    def label(self) -> str:
        return " / ".join((self.business_unit, self.department, self.portfolio, self.product))


@dataclass(frozen=True)
class FocusRequest:
    """One export: the billing period, its format and what fills the billing columns."""

    period: str
    format: FocusFormat
    currency: str
    billing_account_id: str
    billing_account_name: str | None
    invoice_id: str | None
