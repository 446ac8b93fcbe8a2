"""The action portfolio: every model's actions valued net, combined, and put in order.

The strategy report gathers the actions of five models. Summed as they come, they
would count the same customer-euro several times (three models each propose to keep
more of the same customers) and none would pay for itself. This module:

1. :func:`merge_duplicates` joins actions that are the same step proposed by two
   models (the same lever and the same gate, e.g. two "complete the customer picture:
   needs" actions);
2. :func:`value_actions` makes every value incremental and net: the model's gross value
   for the customers it names, times the share that would not happen anyway, minus the
   action's cost, as low / base / high (:class:`CostRates` holds the stated defaults);
3. :func:`combine` counts each customer-euro once (the rule is in its docstring) and
   gives the portfolio's net total with its range;
4. :func:`roadmap` puts the actions on one scale: blockers first, gated actions after
   their blockers, the rest by net value per unit of effort; the first 90 days, then
   the year.

Unknown is not zero: an action whose value or cost cannot be told has ``None`` as net
value, is listed, and is left out of the total, which says how many were left out.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import pandas as pd

from crmlib.errors import ParameterError
from crmlib.models.verdict import EFFORT_SCALE, Action
from crmlib.text import translate

#: The gates whose blockers come first even when no action names them.
ALWAYS_BLOCKING = ("readiness", "consent")

#: How many ungated actions the first 90 days take besides the blockers.
QUICK_ACTIONS = 3

SCENARIOS = ("net_low", "net_base", "net_high")


@dataclass(frozen=True)
class CostRates:
    """The stated defaults that price an action and set its range.

    Attributes
    ----------
    contact : float
        Cost of one marketing contact, when the data holds no contact costs.
    benefit : float
        Cost of a loyalty benefit per customer and year.
    enabler : float
        Cost of an IT, data or readiness project per unit of effort (1-3).
    incremental_share : float
        The share of campaign responses that would not have happened without the
        campaign, where the model has no control group to measure it.
    spread : float
        Low and high are the base value times ``1 - spread`` and ``1 + spread`` where
        the model gives no range of its own (the assumed uplifts are not measured).
    """

    contact: float = 1.0
    benefit: float = 10.0
    enabler: float = 1000.0
    incremental_share: float = 0.5
    spread: float = 0.5

    def __post_init__(self) -> None:
        for name in ("contact", "benefit", "enabler"):
            if not getattr(self, name) >= 0:
                raise ParameterError(f"{name}_cost must be 0 or more, got {getattr(self, name)}")
        for name in ("incremental_share", "spread"):
            if not 0 <= getattr(self, name) <= 1:
                raise ParameterError(
                    f"{name} is a share between 0 and 1, got {getattr(self, name)}"
                )

    def price(self, action: Action) -> float | None:
        """The action's cost a year: the model's own plus its drivers priced; None unknown.

        ``anyway_discount`` is the discount given on purchases that would have happened
        without the campaign: it counts for the share of responses that is not
        incremental (the model's, else :attr:`incremental_share`).
        """
        drivers = action.cost_drivers
        if action.cost is None and not drivers:
            return None
        share = action.incremental if action.incremental is not None else self.incremental_share
        rate = {
            "contacts": self.contact,
            "benefits": self.benefit,
            "projects": self.enabler * action.effort,
            "anyway_discount": 1 - share,
        }
        unknown = set(drivers) - set(rate)
        if unknown:
            raise ValueError(f"unknown cost driver(s): {', '.join(sorted(unknown))}")
        priced = sum(quantity * rate[name] for name, quantity in drivers.items())
        return float((action.cost or 0.0) + priced)


def merge_duplicates(actions: list[Action]) -> list[Action]:
    """Join actions that are the same step: the same lever and the same gate they open,
    or the same lever for the same named customer set.

    A gate keeps the first action's title. Actions on one customer set (two models'
    "one contact history across the channels" for the customers whose questions cross
    channels) keep the better-valued one's title, value and cost, as the total would
    count that set once at its better value. The models are joined ("Payne & Frow,
    Customer IDOL"), the rationales and assumptions kept side by side, the higher
    priority and effort and the larger customer set kept.
    """
    merged: dict[tuple[str, str], Action] = {}
    order: list[tuple[str, str] | int] = []
    for number, action in enumerate(actions):
        if action.unblocks:
            key = (action.lever, f"gate:{action.unblocks}")
        elif action.customer_set:
            key = (action.lever, f"set:{action.customer_set}")
        else:
            order.append(number)
            continue
        first = merged.get(key)
        if first is None:
            merged[key] = action
            order.append(key)
            continue
        if not action.unblocks and _better_valued(action, first):
            first, action = action, first
        models = ", ".join(dict.fromkeys([*first.model.split(", "), action.model]))
        both = [a for a in (first, action) if a.rationale]
        merged[key] = dataclasses.replace(
            first,
            model=models,
            rationale=" / ".join(dict.fromkeys(a.rationale.rstrip(".") for a in both)),
            assumptions=" / ".join(
                dict.fromkeys(a.assumptions for a in (first, action) if a.assumptions)
            ),
            priority=min(first.priority, action.priority),
            effort=max(first.effort, action.effort),
            customers=first.customers or action.customers,
            customer_count=max(
                (c for c in (first.customer_count, action.customer_count) if c is not None),
                default=None,
            ),
            customer_set=first.customer_set or action.customer_set,
            needs=tuple(dict.fromkeys(first.needs + action.needs)),
        )
    return [actions[item] if isinstance(item, int) else merged[item] for item in order]


def _better_valued(action: Action, than: Action) -> bool:
    """Whether ``action`` has a value and ``than`` none or a smaller one."""
    if action.expected_value is None:
        return False
    return than.expected_value is None or action.expected_value > than.expected_value


def value_actions(actions: list[Action], rates: CostRates | None = None) -> list[Action]:
    """Each action with its cost and its net value low / base / high filled in.

    Gross value (base) is the model's ``expected_value`` times the incremental share
    (the model's own, else ``rates.incremental_share``); low and high are the model's
    own incremental range, else base times ``1 -/+ rates.spread``. Each net is the
    gross minus the cost. Where either is unknown the net is None.
    """
    rates = rates or CostRates()
    out = []
    for action in actions:
        cost = rates.price(action)
        gross = action.expected_value
        nets: dict[str, float | None] = dict.fromkeys(SCENARIOS)
        if gross is not None and math.isfinite(gross) and cost is not None:
            share = (
                action.incremental if action.incremental is not None else rates.incremental_share
            )
            base = gross * share
            low = action.value_low if action.value_low is not None else base * (1 - rates.spread)
            high = action.value_high if action.value_high is not None else base * (1 + rates.spread)
            nets = {"net_low": low - cost, "net_base": base - cost, "net_high": high - cost}
        # the drivers are in the cost now: valuing the result again must not count them twice
        out.append(dataclasses.replace(action, cost=cost, cost_drivers={}, **nets))
    return out


@dataclass(frozen=True)
class Portfolio:
    """The de-duplicated portfolio.

    Attributes
    ----------
    table : DataFrame
        One row per action (in the order given): ``action``, ``model``, ``lever``,
        ``customers`` (count, NaN unknown), ``cost``, ``net_low``, ``net_base``,
        ``net_high`` (NaN unknown), ``counted_base`` (what the total counts of its net
        base after de-duplication) and ``overlaps`` (the actions of the same lever that
        share its customers).
    net_low, net_base, net_high : float or None
        The total: de-duplicated net of the valued actions minus the cost of the
        enablers (actions without a value of their own but with a known cost). None
        when no action could be valued.
    enabler_cost : float
        The enablers' cost in that total.
    unvalued : int
        Actions left out of the total because their value or cost is unknown.
    levers : dict
        The de-duplicated net base per lever.
    not_paying : int
        Actions left out because their net base is below 0 at the stated costs.
    """

    table: pd.DataFrame
    net_low: float | None
    net_base: float | None
    net_high: float | None
    enabler_cost: float
    unvalued: int
    levers: dict[str, float] = field(default_factory=dict)
    not_paying: int = 0


#: The levers of the enablers: projects that let other actions work (data, readiness).
#: Their cost comes off the total when they bring no value of their own; an unvalued
#: action of another lever (a campaign whose take-up is unknown) is left out instead.
ENABLING_LEVERS = ("data", "readiness")


def _keys(number: int, action: Action) -> list[str]:
    """The customer keys an action reaches: its ids, else its named set, else itself."""
    if action.customers:
        return [f"id:{c}" for c in dict.fromkeys(action.customers)]
    if action.customer_set:
        return [f"set:{action.customer_set}"]
    return [f"action:{number}"]


def combine(actions: list[Action]) -> Portfolio:
    """Count each customer-euro once: the portfolio's de-duplicated net total.

    Rule. Actions of the same lever that reach the same customers are combined per
    customer: an action's net value is spread evenly over the customers it names, and
    a customer reached by several actions of one lever is credited with the **largest**
    of their per-customer nets, never the sum, in each scenario (low, base, high)
    separately. This is the value of running, for each customer, only the best action
    of that lever, so neither the value nor the cost of the others counts for them.
    Actions without customer ids that name the same customer set are the same
    customers; actions naming neither are taken as reaching customers of their own.
    Different levers add up: keeping a customer and serving them for less are
    different euros. Data and readiness actions with no value but a known cost (the
    enablers, :data:`ENABLING_LEVERS`) subtract their cost from the total; any other
    action without a value is unvalued and left out, cost and all. An action whose net base is below 0 does not pay at the
    stated costs: it stays in the table and is left out of the total (it is not run).

    Actions must have been through :func:`value_actions`.
    """
    frames: dict[str, dict[str, list[pd.Series]]] = {}
    rows = []
    enabler = 0.0
    unvalued = losing = 0
    for number, action in enumerate(actions):
        keys = _keys(number, action)
        row = {
            "action": action.title,
            "model": action.model,
            "lever": action.lever or "not said",
            "customers": action.customer_count if action.customer_count is not None else math.nan,
            "cost": action.cost if action.cost is not None else math.nan,
            **{
                s: getattr(action, s) if getattr(action, s) is not None else math.nan
                for s in SCENARIOS
            },
            "keys": set(keys),
        }
        rows.append(row)
        if action.net_base is None:
            if (
                action.expected_value is None
                and action.cost is not None
                and action.lever in ENABLING_LEVERS
            ):
                enabler += action.cost
            else:
                unvalued += 1
            continue
        if action.net_base < 0:
            # it does not pay at the stated costs: listed with its value, not run
            losing += 1
            continue
        lever = frames.setdefault(action.lever, {s: [] for s in SCENARIOS})
        for scenario in SCENARIOS:
            each = getattr(action, scenario) / len(keys)
            lever[scenario].append(pd.Series(each, index=keys, name=number))
    columns = ["action", "model", "lever", "customers", "cost", *SCENARIOS, "keys"]
    table = pd.DataFrame(rows, columns=columns)
    counted = pd.Series(0.0, index=table.index)
    totals = dict.fromkeys(SCENARIOS, 0.0)
    by_lever: dict[str, float] = {}
    for lever, series in frames.items():
        for scenario in SCENARIOS:
            grid = pd.concat(series[scenario], axis=1)
            best = grid.max(axis=1)
            totals[scenario] += float(best.sum())
            if scenario == "net_base":
                by_lever[lever] = float(best.sum())
                # credit each customer's best value to the action that brings it
                winner = grid.idxmax(axis=1)
                for number, value in best.groupby(winner).sum().items():
                    counted[number] = float(value)
    table["counted_base"] = counted.where(table["net_base"].notna())
    table["overlaps"] = [
        ", ".join(
            str(other["action"])
            for j, other in table.iterrows()
            if j != i and other["lever"] == row["lever"] and other["keys"] & row["keys"]
        )
        for i, row in table.iterrows()
    ]
    table = table.drop(columns="keys")
    if not frames:
        return Portfolio(table, None, None, None, enabler, unvalued, {}, losing)
    return Portfolio(
        table,
        totals["net_low"] - enabler,
        totals["net_base"] - enabler,
        totals["net_high"] - enabler,
        enabler,
        unvalued,
        by_lever,
        losing,
    )


def _gates(actions: list[Action]) -> set[str]:
    needed = {gate for a in actions for gate in a.needs}
    return needed | set(ALWAYS_BLOCKING)


def roadmap(actions: list[Action]) -> pd.DataFrame:
    """All actions on one priority scale, with their gates and when they happen.

    Order: blockers first (actions that open a gate: readiness barriers, consent or
    legal basis, and data gaps another action depends on), the quickest first; then
    every other action by net value per unit of effort (:data:`EFFORT_SCALE`), unknown
    values last. An action that needs a gate a blocker opens is ``gated_by`` it and
    scheduled after it. The first 90 days hold the blockers and the
    :data:`QUICK_ACTIONS` best ungated actions of effort 1 or 2 with a positive net
    value; the rest is for the year, except the actions that do not pay at the stated
    costs (net base below 0: "not at these costs").

    Returns
    -------
    DataFrame
        Indexed by rank (1, 2, ...): ``action``, ``model``, ``owner``, ``lever``,
        ``customers``, ``cost``, ``net_low``, ``net_base``, ``net_high``, ``effort``,
        ``value_per_effort``, ``blocker`` (bool), ``gated_by`` (list of titles) and
        ``when`` ("first 90 days", "this year" or "not at these costs").
    """
    gates = _gates(actions)
    blockers: dict[str, list[str]] = {}
    for a in actions:
        if a.unblocks and a.unblocks in gates:
            blockers.setdefault(a.unblocks, []).append(a.title)
    rows = []
    for action in actions:
        is_blocker = bool(action.unblocks) and action.unblocks in gates
        gated_by = [title for g in action.needs if not is_blocker for title in blockers.get(g, [])]
        per_effort = action.net_base / action.effort if action.net_base is not None else math.nan
        rows.append(
            {
                "action": action.title,
                "model": action.model,
                "owner": action.owner,
                "lever": action.lever or "not said",
                "customers": action.customer_count
                if action.customer_count is not None
                else math.nan,
                "cost": action.cost if action.cost is not None else math.nan,
                **{
                    s: getattr(action, s) if getattr(action, s) is not None else math.nan
                    for s in SCENARIOS
                },
                "effort": action.effort,
                "value_per_effort": per_effort,
                "blocker": is_blocker,
                "gated_by": gated_by,
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        table["when"] = []
        table.index = pd.RangeIndex(1, 1, name="rank")
        return table
    table["_group"] = [0 if b else 1 for b in table["blocker"]]
    table = table.sort_values(
        ["_group", "effort", "value_per_effort"],
        ascending=[True, True, False],
        na_position="last",
        kind="mergesort",
    )
    rest = table[table["_group"] == 1].sort_values(
        "value_per_effort", ascending=False, na_position="last", kind="mergesort"
    )
    table = pd.concat([table[table["_group"] == 0], rest]).drop(columns="_group")
    quick = rest[
        (rest["gated_by"].str.len() == 0) & (rest["effort"] <= 2) & (rest["net_base"] > 0)
    ].index[:QUICK_ACTIONS]
    table["when"] = [
        "first 90 days"
        if blocker or i in quick
        else ("not at these costs" if net < 0 else "this year")
        for i, blocker, net in zip(table.index, table["blocker"], table["net_base"], strict=True)
    ]
    table = table.reset_index(drop=True)
    table.index = pd.RangeIndex(1, len(table) + 1, name="rank")
    return table


def effort_scale() -> str:
    """The effort scale in words, for the report."""
    return "; ".join(f"{n} = {translate(text)}" for n, text in EFFORT_SCALE.items())
