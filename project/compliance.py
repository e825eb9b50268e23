"""The typed contract of the compliance hooks (settings.STORAGE_PLACEMENT_CHECK,
STORAGE_RULE_SEVERITIES, DESTRUCTION_COMPLIANCE_CHECK, MASS_BALANCE_TOLERANCE,
DESTRUCTION_PROPOSALS).

The compliance app produces these values and the seizures and destruction services consume
them; both import this module, so neither imports the other upward. Plain data only: no ORM.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class Severity(StrEnum):
    """How much a finding weighs: a blocking one refuses the step, a warning lets it go ahead
    (kept for review), information is shown only."""

    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"


class Verdict(StrEnum):
    """A check's overall answer: any blocking finding makes it non-compliant, else any warning
    needs review."""

    COMPLIANT = "compliant"
    NEEDS_REVIEW = "needs_review"
    NON_COMPLIANT = "non_compliant"


@dataclass(frozen=True)
class Finding:
    """One rule that a placement or an order breaks (or cannot decide), as a hook returns it."""

    rule: str
    severity: Severity
    message: str
    detail: str = ""
    lot: str = ""

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.BLOCKING

    def __str__(self) -> str:
        lot = f" (lot {self.lot})" if self.lot else ""
        return f"{self.rule or '?'}{lot}: {self.message}"


class OrderCheck(Protocol):
    """What DESTRUCTION_COMPLIANCE_CHECK returns: a check (stored by compliance) with its verdict
    and the findings that block."""

    @property
    def verdict(self) -> str: ...

    def blocking_findings(self) -> list[Finding]: ...


@dataclass(frozen=True)
class CheckResult:
    """A plain OrderCheck: a verdict and its findings."""

    verdict: Verdict
    findings: tuple[Finding, ...] = ()

    def blocking_findings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]


@dataclass(frozen=True)
class MassTolerance:
    """The accepted deviation between two masses of a destruction (X-QM-02): the larger of a
    share of the reference mass and a fixed mass."""

    percent: Decimal
    kg: Decimal

    def of(self, reference_kg: Decimal) -> Decimal:
        return max(reference_kg * self.percent / 100, self.kg)


# Without the rulebook (MASS_BALANCE_TOLERANCE unset) nothing is tolerated: every deviation
# needs a written justification, the strict reading of X-QM-02.
NO_TOLERANCE = MassTolerance(Decimal("0"), Decimal("0"))


@dataclass(frozen=True)
class PlanChoice:
    """A person's choice for one lot in the planner (what DESTRUCTION_PROPOSALS evaluates
    instead of its own proposal): a method, a facility id (None: the nearest that covers the
    method), the X-MF-02 justification and the papers' references by name (LINE_REFERENCES)."""

    method: str
    facility: int | None = None
    justification: str = ""
    references: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanOption:
    """A method at a facility for one lot on the planned date, with the rulebook's verdict and
    findings. `facility` is None when no active facility exists."""

    method: str
    facility: int | None
    verdict: Verdict
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class LineProposal:
    """What DESTRUCTION_PROPOSALS returns for each lot: the option proposed (or the person's
    choice, evaluated) and the other options whose conditions the lot meets, best first."""

    lot: int
    option: PlanOption
    alternatives: tuple[PlanOption, ...] = ()
