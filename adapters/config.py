"""Configuration from the environment (`FINOPS_` prefix), validated once at start."""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapters.spark.session import SparkConfig, parse_conf


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FINOPS_", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    jwt_secret: str = ""
    token_ttl_minutes: int = Field(default=30, ge=1, le=24 * 60)
    cur_path: str = ""
    aws_organizations: bool = False
    cost_basis: Literal["unblended", "net_unblended", "amortized"] = "unblended"
    webhook_secret: str = ""
    admin_email: str = ""
    admin_password: str = ""
    currency: str = "USD"
    # the business unit (level-1 name) the accounts-payable file books Unallocated spend to
    default_business_unit: str = ""
    # the payer (management) account: the FOCUS export's BillingAccountId
    billing_account_id: str = ""
    upload_limit_mb: int = Field(default=20, ge=1, le=2048)
    object_store_url: str = ""
    oidc_jwks_url: str = ""
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_email_claim: str = "email"
    login_failures_per_account: int = Field(default=5, ge=1)
    login_failures_per_address: int = Field(default=20, ge=1)
    login_window_seconds: int = Field(default=900, ge=1)
    # API tokens of service accounts: requests per token and minute (429 beyond)
    token_requests_per_minute: int = Field(default=600, ge=1)
    # outbound webhooks may reach http URLs and loopback/private addresses (tests, labs)
    webhook_allow_private: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    frontend_dir: Path | None = None
    # The in-process spend-card scheduler (each Monday, and a catch-up at start): on under
    # `finops serve`, off in tests and `create_app` unless asked.
    card_scheduler: bool = False
    # How long a background job's lease (one CUR refresh, the card scheduler) outlives a
    # worker that died holding it; holders renew it every third of this.
    job_lease_seconds: int = Field(default=120, ge=1)

    # The spend engine of the allocation (docs/spark.md): DuckDB in process, or Apache Spark
    # (Spark Connect at `spark_remote`, else the master URL `spark_master`) with `spark_conf`
    # settings as k=v,k=v.
    spend_engine: Literal["duckdb", "spark"] = "duckdb"
    spark_remote: str = ""
    spark_master: str = "local[2]"
    spark_conf: str = ""

    # a schedule whose annual amount is above this needs two distinct approvers (off: unset)
    dual_approval_above: Decimal | None = Field(default=None, gt=0, max_digits=18, decimal_places=2)
    # every DuckDB connection: its memory limit (DuckDB's syntax, e.g. 2GB, 512MB) and the
    # seconds a statement may run before it is interrupted
    duckdb_memory_limit: str = Field(
        default="2GB", pattern=r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$"
    )
    duckdb_timeout_seconds: float = Field(default=600, gt=0)

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:// or postgresql+asyncpg:// "
                f"(got '{value.split('://')[0]}://…')"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _long_webhook_secret(cls, value: str) -> str:
        # HMAC-SHA256 wants a key of at least its output size; a short one can be guessed.
        if value and len(value.encode()) < 32:
            raise ValueError(
                f"must be at least 32 bytes (got {len(value.encode())}); "
                "generate one with: openssl rand -hex 32"
            )
        return value

    @field_validator("spark_conf")
    @classmethod
    def _spark_settings(cls, value: str) -> str:
        parse_conf(value)
        return value

    @field_validator("spark_remote")
    @classmethod
    def _spark_connect_url(cls, value: str) -> str:
        if value and not value.startswith("sc://"):
            raise ValueError("must be a Spark Connect URL such as sc://spark-host:15002")
        return value

    def spark_config(self) -> SparkConfig:
        return SparkConfig(
            remote=self.spark_remote, master=self.spark_master, conf=parse_conf(self.spark_conf)
        )

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        if len(value) != 3 or not value.isalpha():
            raise ValueError("must be a three-letter ISO 4217 code such as USD")
        return value.upper()

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        if self.oidc_jwks_url and not (self.oidc_issuer and self.oidc_audience):
            raise ValueError(
                "FINOPS_OIDC_JWKS_URL needs FINOPS_OIDC_ISSUER and FINOPS_OIDC_AUDIENCE too"
            )
        return self

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'finops.db').resolve()}"

    def resolved_cur_path(self) -> str:
        """The CUR to read: configured, else `<data dir>/cur` (where the demo writes one)."""
        return self.cur_path or str(self.data_dir / "cur")

    def ensure_data_dir(self) -> None:
        """Created for its owner only (0700): it holds the database, the generated JWT secret
        and the uploaded files."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)

    def resolved_jwt_secret(self) -> str:
        """The signing key: configured, or generated once and kept in the data dir (mode 0600)."""
        if self.jwt_secret:
            return self.jwt_secret
        self.ensure_data_dir()
        path = self.data_dir / "jwt-secret"
        if not path.exists():
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def default_frontend_dir(self) -> Path:
        if self.frontend_dir is not None:
            return self.frontend_dir
        return Path(__file__).resolve().parents[1] / "frontend" / "dist"


def describe_settings_error(exc: Exception) -> str:
    """One line for a bad configuration, naming the variable: no traceback for operators."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        parts = []
        for err in exc.errors():
            name = "FINOPS_" + "_".join(str(p) for p in err["loc"]).upper() if err["loc"] else ""
            parts.append(f"{name}: {err['msg']}" if name else err["msg"])
        return "invalid configuration: " + "; ".join(parts)
    return f"invalid configuration: {exc}"
