"""Domain errors. They know nothing of HTTP; `api/errors.py` maps each class to a status."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorDetail:
    """One reason an input was refused, pointing at the field or the file row/column."""

    message: str
    field: str | None = None
    row: int | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"message": self.message}
        if self.field is not None:
            out["field"] = self.field
        if self.row is not None:
            out["row"] = self.row
        if self.column is not None:
            out["column"] = self.column
        return out


@dataclass
class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    message: str
    errors: list[ErrorDetail] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """The object does not exist, or lies outside the caller's financial scope."""


class Conflict(DomainError):
    """The request clashes with the current state (duplicate, stale version, illegal transition)."""


class RuleViolation(DomainError):
    """The input breaks a business rule; `errors` names every field or row at fault."""


class Unavailable(DomainError):
    """The answer cannot be given right now (a state an administrator must resolve first)."""


class Forbidden(DomainError):
    """The caller's role may not do this."""


class Unauthenticated(DomainError):
    """No valid credentials."""


@dataclass
class TooManyRequests(DomainError):
    """Too many attempts; try again later."""

    retry_after: float | None = None


class PayloadTooLarge(DomainError):
    """The upload is larger than the configured limit."""
