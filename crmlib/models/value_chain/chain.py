"""The value chain of one company: :class:`ValueChain` runs the stages and scores them.

See :mod:`crmlib.models.value_chain` for how each stage is scored.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.analytics.base import CustomerBase
from crmlib.analytics.profile import ASPECTS
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.formatting import percent
from crmlib.instruments.answers import ASSESSMENTS_FOLDER
from crmlib.models.steps import attempt, reason
from crmlib.models.value_chain.portfolio import (
    EffortAlignment,
    Portfolio,
    effort_alignment,
    portfolio_analysis,
)
from crmlib.models.value_chain.relationships import (
    Conditions,
    Relationships,
    Targets,
    relationship_management,
    supporting_conditions,
)
from crmlib.models.value_chain.stages import (
    CONDITIONS,
    Intimacy,
    Network,
    Proposition,
    customer_intimacy,
    network_development,
    supplier_table,
    value_proposition,
)
from crmlib.text import N_, translate

MODEL = "CRM value chain (Buttle)"

#: The primary stages, in the order of the chain. The names are English (they index the
#: scores and the exercises' answers); they are translated where they are shown.
PRIMARY_STAGES = (
    N_("Customer portfolio analysis"),
    N_("Customer intimacy"),
    N_("Network development"),
    N_("Value proposition development"),
    N_("Relationship management"),
)

#: Where a score comes from (the ``basis`` column), translated where shown.
DATA, WORKSHOP = N_("data"), N_("workshop")


def _nan_if_none(value: float | None) -> float:
    return float("nan") if value is None else float(value)


class ValueChain:
    """The value chain of one company: runs each stage once and remembers the outcome.

    Each stage method returns the stage's result, or raises
    :class:`~crmlib.errors.MissingDataError` when the company lacks the data (the
    notebook's ``step`` turns that into a "skipped" line). The result or the reason is
    kept, so :meth:`stage_scores` and :meth:`diagram` use what the notebook showed.

    Parameters
    ----------
    company : Company
    base : CustomerBase, optional
        The customer base the stages read; by default the company's own, built with
        ``ssc_share`` and a window of ``horizon_months``.
    ssc_share : float, default 0.2
        Share of customers that are SSC (by current value) and of high future value.
    matrix_axis : {"potential", "cost to serve"}
        The y axis of the portfolio matrix.
    matrix_share : float, default 0.2
        Share of customers counted high on that axis.
    horizon_months : int, default 12
        The period of current value, expected value and cost to serve.
    cost_magnet_share, cost_magnet_ratio : float
        See :func:`crmlib.analytics.portfolio.cost_magnets`.
    n_needs : int, default 3
        Distinctive needs per segment in the offer-needs fit.
    need_map : dict, optional
        Need -> offer elements meant to serve it; empty learns it from the data.
    targets : Targets, optional
        Relationship-management targets; by default the client's
        (:meth:`Targets.for_company`).
    gap_threshold : float, default 0.8
        Completeness below which an aspect of the SSCs' picture is a gap.
    """

    def __init__(
        self,
        company: Company,
        *,
        base: CustomerBase | None = None,
        ssc_share: float = 0.2,
        matrix_axis: str = "potential",
        matrix_share: float = 0.2,
        horizon_months: int = 12,
        cost_magnet_share: float = 0.05,
        cost_magnet_ratio: float = 0.5,
        n_needs: int = 3,
        need_map: dict[str, list[str]] | None = None,
        targets: Targets | None = None,
        gap_threshold: float = 0.8,
    ) -> None:
        self.company = company
        self.base = base
        self.settings = {
            "ssc_share": ssc_share,
            "matrix_axis": matrix_axis,
            "matrix_share": matrix_share,
            "horizon_months": horizon_months,
            "cost_magnet_share": cost_magnet_share,
            "cost_magnet_ratio": cost_magnet_ratio,
        }
        self.n_needs = n_needs
        self.need_map = need_map or None
        self.targets = targets or Targets.for_company(company)
        self.gap_threshold = gap_threshold
        self._results: dict[str, Any] = {}
        self._signatures: dict[str, tuple] = {}

    def _answers_signature(self) -> tuple:
        """The saved workshop answers as (file, inode, modified, size): changes when one is saved."""
        folder = Path(getattr(self.company, "data_dir", "") or ".") / ASSESSMENTS_FOLDER
        if not folder.is_dir():
            return ()
        return tuple(
            (path.name, path.stat().st_ino, path.stat().st_mtime_ns, path.stat().st_size)
            for path in sorted(folder.iterdir())
            if path.is_file()
        )

    def _run(self, name: str, compute: Callable[[], Any], *, fresh: bool = False) -> Any:
        if fresh:
            # a stage that reads the workshop answers is run again only when they changed
            # (the verdict and the scores ask for it many times in one report)
            signature = self._answers_signature()
            if self._signatures.get(name) != signature:
                self._results.pop(name, None)
                self._signatures[name] = signature
        if name not in self._results:
            try:
                self._results[name] = compute()
            except MissingDataError as missing:
                self._results[name] = missing
        result = self._results[name]
        if isinstance(result, MissingDataError):
            raise result
        return result

    def reason(self, name: str) -> str:
        """Why a stage has no result ("" when it has one or has not run)."""
        result = self._results.get(name)
        return reason(result) if isinstance(result, MissingDataError) else ""

    def portfolio(self) -> Portfolio:
        """Stage 1: the SSCs, the portfolio matrix and the strategic types."""
        return self._run(
            "portfolio",
            lambda: portfolio_analysis(self.company, base=self.base, **self.settings),
        )

    def intimacy(self) -> Intimacy:
        """Stage 2: what the company knows about its SSCs."""
        return self._run(
            "intimacy",
            lambda: customer_intimacy(
                self.company, self.portfolio(), gap_threshold=self.gap_threshold
            ),
        )

    def network(self) -> Network:
        """Stage 3: network alignment and the value per supplier.

        Read afresh whenever the workshop has saved new answers since the last call.
        """
        return self._run(
            "network", lambda: network_development(self.company, self.portfolio()), fresh=True
        )

    def suppliers(self) -> pd.DataFrame:
        """The value per supplier of stage 3 (see :func:`supplier_value`).

        Raises
        ------
        MissingDataError
            When products have no supplier.
        """
        return self._run("suppliers", lambda: supplier_table(self.company, self.portfolio()))

    def proposition(self) -> Proposition:
        """Stage 4: needs segments, what they buy, and the offer-needs fit."""
        return self._run(
            "proposition",
            lambda: value_proposition(
                self.company, self.portfolio(), n_needs=self.n_needs, need_map=self.need_map
            ),
        )

    def relationships(self) -> Relationships:
        """Stage 5: acquisition, retention, up-sell and cross-sell against targets."""
        return self._run(
            "relationships",
            lambda: relationship_management(self.company, self.portfolio(), self.targets),
        )

    def conditions(self) -> Conditions:
        """The supporting conditions, as the workshop scored them (read afresh when the
        saved answers changed)."""
        return self._run("conditions", lambda: supporting_conditions(self.company), fresh=True)

    def _attempt(self, name: str) -> Any:
        """The stage's result, or None when its data is missing (the reason: :meth:`reason`)."""
        return attempt({}, name, getattr(self, name))

    def effort(self) -> EffortAlignment:
        """Whether the offers follow the portfolio: the portfolio analysis stage's score."""
        return effort_alignment(self.company, self.portfolio())

    def stage_scores(self) -> pd.DataFrame:
        """Every stage and condition scored from 0 to 1 (see the module docstring).

        Returns
        -------
        DataFrame
            Indexed by stage name, in chain order (primary, then supporting):
            ``kind`` ("primary" or "supporting"), ``score`` (0-1, NaN when not scored),
            ``basis`` ("data" or "workshop"), ``note`` (what the score is, or why
            it is missing) and ``partial`` (the score covers only part of what the stage
            measures, as customer intimacy over the aspects the data shows: it is not
            coloured as a grade of the whole stage).
        """
        rows = []
        effort = self.effort()
        rows.append(
            (
                PRIMARY_STAGES[0],
                effort.score,
                DATA,
                translate(
                    "offers to SSCs and MGCs: {observed} against {expected} at random"
                ).format(observed=percent(effort.observed), expected=percent(effort.expected))
                if not math.isnan(effort.score)
                else effort.reason,
            )
        )
        intimacy = self.intimacy()
        rows.append(
            (
                PRIMARY_STAGES[1],
                intimacy.ssc_completeness,
                DATA,
                translate(
                    "SSC picture complete over the {n} of {total} aspects the data shows"
                ).format(n=len(ASPECTS) - len(intimacy.unmeasured), total=len(ASPECTS))
                if intimacy.unmeasured
                else translate("SSC picture complete"),
            )
        )
        network = self._attempt("network")
        score = network.alignment if network is not None else float("nan")
        note = (
            translate("network alignment (workshop)")
            if not math.isnan(score)
            else (network.reasons.get("parties", "") if network else self.reason("network"))
        )
        rows.append((PRIMARY_STAGES[2], score, WORKSHOP, note))
        proposition = self._attempt("proposition")
        rows.append(
            (
                PRIMARY_STAGES[3],
                proposition.value_weighted_fit if proposition is not None else float("nan"),
                DATA,
                translate("offer-needs fit, weighted by segment value")
                if proposition is not None
                else self.reason("proposition"),
            )
        )
        relationships = self._attempt("relationships")
        rows.append(
            (
                PRIMARY_STAGES[4],
                relationships.attainment if relationships is not None else float("nan"),
                DATA,
                (
                    translate("target attainment (caveat: {caveat})").format(
                        caveat=relationships.caveat
                    )
                    if relationships.caveat
                    else translate("target attainment")
                )
                if relationships is not None
                else self.reason("relationships"),
            )
        )
        conditions = self.conditions()
        for area, row in conditions.areas.iterrows():
            rows.append(
                (
                    CONDITIONS[area],
                    _nan_if_none(row["score"]),
                    WORKSHOP,
                    translate("assessment")
                    if row["answered"]
                    else translate("not scored in the workshop"),
                )
            )
        frame = pd.DataFrame(rows, columns=["stage", "score", "basis", "note"]).set_index("stage")
        frame.insert(0, "kind", ["primary"] * 5 + ["supporting"] * len(CONDITIONS))
        frame["partial"] = [name == PRIMARY_STAGES[1] and bool(intimacy.unmeasured)
                            for name in frame.index]  # fmt: skip
        return frame


def _score(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def limiting_stage(scores: pd.DataFrame, kind: str = "primary") -> str | None:
    """The stage of ``kind`` with the lowest score (ties: the earlier); None if none scored."""
    scored = scores[(scores["kind"] == kind) & scores["score"].notna()]
    if scored.empty:
        return None
    return str(scored["score"].idxmin())
