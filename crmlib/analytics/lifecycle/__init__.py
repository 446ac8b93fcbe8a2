"""The customer lifecycle: acquisition, retention (cohorts, lapse), penetration, efficiency.

QCI's customer management activities (acquisition, retention, penetration and, in the
published assessment, efficiency), Buttle's relationship management and Payne & Frow's
performance assessment all measure the lifecycle. A customer is *active* in a period
when they bought in it; a return line is not a purchase. Four modules, one job each:

- :mod:`.cohorts`: acquisition, cohorts and retention (windows, the value of retention);
- :mod:`.lapse`: lapse by purchase rhythm, probability alive, recent activity;
- :mod:`.wallet`: penetration, cross-sell and share of wallet;
- :mod:`.costs`: contact costs per channel and segment, and campaign response.

Every public name is also importable from this package.
"""

from __future__ import annotations

from crmlib.analytics.lifecycle._common import PERIODS
from crmlib.analytics.lifecycle.cohorts import (
    acquisition,
    acquisition_quality,
    active_periods,
    average_retention_curve,
    cohort_retention,
    first_purchases,
    period_retention,
    retention_counts,
    retention_curve,
    retention_uplift_value,
    window_retention,
)
from crmlib.analytics.lifecycle.costs import (
    campaign_response,
    channel_costs,
    segment_costs,
)
from crmlib.analytics.lifecycle.lapse import (
    activity_shares,
    alive_probabilities,
    lapse_summary,
    purchase_rhythm,
    recent_activity,
)
from crmlib.analytics.lifecycle.wallet import (
    category_affinity,
    category_spend,
    penetration,
    share_of_wallet,
    spend_by_category,
)

__all__ = [
    "acquisition",
    "acquisition_quality",
    "active_periods",
    "alive_probabilities",
    "average_retention_curve",
    "campaign_response",
    "category_affinity",
    "category_spend",
    "channel_costs",
    "cohort_retention",
    "first_purchases",
    "lapse_summary",
    "penetration",
    "period_retention",
    "purchase_rhythm",
    "activity_shares",
    "recent_activity",
    "retention_curve",
    "retention_uplift_value",
    "segment_costs",
    "share_of_wallet",
    "spend_by_category",
    "retention_counts",
    "window_retention",
    "PERIODS",
]
