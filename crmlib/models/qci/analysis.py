"""QCI's entry point: one company and its parameters in, a :class:`QciResult` out.

This is the one place where the model meets the shared customer base.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmlib.data.company import Company
from crmlib.models.contract import resolve_base
from crmlib.models.qci.activities import (
    AcquisitionView,
    EfficiencyView,
    PenetrationView,
    acquisition_view,
    efficiency_view,
    penetration_view,
)
from crmlib.models.qci.conclude import _check_uplift
from crmlib.models.qci.context import Readiness, readiness
from crmlib.models.qci.customers import CustomerBase, customer_base
from crmlib.models.qci.experience import Experience, customer_experience
from crmlib.models.qci.questionnaire import Assessment, assessment
from crmlib.models.qci.retention import (
    LapseView,
    RetentionValue,
    RetentionView,
    lapse_view,
    retention_value,
    retention_view,
)
from crmlib.models.steps import attempt


@dataclass(frozen=True)
class QciResult:
    """Every ring and activity of QCI for one company; a part the data cannot support is
    None, with the reason in ``skipped``.

    Attributes
    ----------
    company : Company
    customers : CustomerBase
        The year measured, value per customer and tiers.
    scored : Assessment or None
        The workshop assessment.
    readiness, acquisition, retention, lapse, retention_value, penetration,
    experience, efficiency
        The notebook's views (see their modules).
    uplift_points, uplift, discount_rate, acquisition_cost, wallet_per_customer : float
        The parameters they were computed with (``uplift`` is ``uplift_points / 100``).
    skipped : dict
        Part name -> why it was skipped.
    """

    company: Company
    customers: CustomerBase
    scored: Assessment | None
    readiness: Readiness
    acquisition: AcquisitionView
    retention: RetentionView
    lapse: LapseView | None
    retention_value: RetentionValue | None
    penetration: PenetrationView | None
    experience: Experience | None
    efficiency: EfficiencyView | None
    uplift_points: float
    uplift: float
    discount_rate: float
    acquisition_cost: float | None
    wallet_per_customer: float
    skipped: dict[str, str]


def analyse(
    company: Company,
    base: object | None = None,
    *,
    cohort_period: str = "Q",
    lapse_multiple: float = 2.0,
    uplift_points: float = 5.0,
    discount_rate: float = 0.1,
    acquisition_cost: float | None = None,
    wallet_per_customer: float = 0.0,
) -> QciResult:
    """Every QCI view of ``company`` with the parameters of the notebook ``02_qci``.

    ``base`` is the shared per-customer base (the strategy report passes one); by
    default the company's own, memoised (see :mod:`crmlib.models.contract`).
    """
    base = resolve_base(company, base)
    uplift = _check_uplift(uplift_points / 100)
    skipped: dict[str, str] = {}
    customers = customer_base(company, base)
    scored = attempt(skipped, "the QCI assessment", assessment, company)
    ready = readiness(company, scored, base)
    kept = retention_view(company, customers, freq=cohort_period)
    return QciResult(
        company=company,
        customers=customers,
        scored=scored,
        readiness=ready,
        acquisition=acquisition_view(company, customers, freq=cohort_period),
        retention=kept,
        lapse=attempt(skipped, "lapse", lapse_view, company, k=lapse_multiple, alive=ready.alive),
        retention_value=attempt(
            skipped,
            "the value of retention",
            retention_value,
            kept,
            uplift=uplift,
            discount_rate=discount_rate,
            acquisition_cost=acquisition_cost,
        ),
        penetration=attempt(
            skipped,
            "penetration",
            penetration_view,
            company,
            customers,
            wallet_per_customer=wallet_per_customer,
        ),
        experience=attempt(
            skipped, "the customer experience", customer_experience, company, customers
        ),
        efficiency=attempt(skipped, "efficiency", efficiency_view, company, customers),
        uplift_points=float(uplift_points),
        uplift=uplift,
        discount_rate=float(discount_rate),
        acquisition_cost=None if acquisition_cost is None else float(acquisition_cost),
        wallet_per_customer=float(wallet_per_customer),
        skipped=skipped,
    )
