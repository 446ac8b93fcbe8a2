"""One contact history: the episodes and handovers every model states are the same."""

from __future__ import annotations

import pytest

from crmlib.analytics.base import customer_base
from crmlib.data.company import load_company
from crmlib.models import idol
from crmlib.models import payne_frow as pf


def test_episodes_and_handovers_agree_across_the_models(root):
    company = load_company(root / "data" / "sample")
    flow = pf.analyse(company).multichannel.continuity
    channels = idol.analyse(company).orchestration.channels
    # episodes formed on the whole history, counted when they start in the year
    assert flow.episodes == customer_base(company).meta["episodes"]["episodes"]
    # the same handovers, and the same share where the next channel did not carry on
    assert len(channels.handovers) == int(flow.handovers.loc["all", "handovers"])
    assert channels.lost_rate == pytest.approx(1 - flow.continued_rate)
