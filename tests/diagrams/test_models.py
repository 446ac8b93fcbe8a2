import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_rgba

from crmlib.diagrams import draw_idic, draw_idol, draw_payne_frow, draw_qci, draw_value_chain
from crmlib.diagrams.shapes import NEUTRAL, score_colour
from crmlib.errors import ParameterError
from crmlib.stages import Stage


def texts(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def four(names):
    return [
        Stage(n, [f"{n} figure"], score)
        for n, score in zip(names, (0.1, 0.5, None, 0.9), strict=True)
    ]


def test_idic_cycle_shows_every_phase_and_its_figures():
    ax = draw_idic(four(["Identify", "Differentiate", "Interact", "Customize"]), centre="De Linde")
    shown = texts(ax)
    for name in (
        "Identify",
        "Differentiate",
        "Interact",
        "Customize",
        "Customize figure",
        "De Linde",
    ):
        assert name in shown
    assert len(ax.patches) == 8  # four boxes, four arrows


def test_scores_colour_elements():
    ax = draw_idic(four(["Identify", "Differentiate", "Interact", "Customize"]))
    faces = [p.get_facecolor() for p in ax.patches[:4]]  # the boxes come before the arrows
    assert faces[0] == pytest.approx(to_rgba(score_colour(0.1)))
    assert faces[3] == pytest.approx(to_rgba(score_colour(0.9)))
    assert score_colour(None) == NEUTRAL
    assert score_colour(0.0) != score_colour(1.0)


def test_wrong_number_of_elements_is_a_clear_error():
    with pytest.raises(ParameterError, match="the IDIC diagram needs 4 elements, got 3"):
        draw_idic(four(["a", "b", "c", "d"])[:3])


def test_qci_rings_from_the_outside_in():
    rings = [
        Stage("External environment", ["61%"], 0.61),
        Stage("Customer experience", ["NPS 12"], 0.4),
    ]
    ax = draw_qci(rings, four(["Acquisition", "Retention", "Penetration", "Efficiency"]))
    shown = texts(ax)
    assert "External environment  (61%)" in shown and "Retention" in shown
    circles = [p for p in ax.patches if type(p).__name__ == "Circle"]
    assert circles[0].radius > circles[1].radius


def test_payne_frow_value_chain_and_idol_draw_their_elements():
    processes = [
        Stage(n)
        for n in (
            "Strategy development",
            "Value creation",
            "Multichannel integration",
            "Information management",
            "Performance assessment",
        )
    ]
    elements = four(
        ["CRM readiness", "Change management", "Project management", "Employee engagement"]
    )
    assert "Employee engagement  -  Employee engagement figure" in texts(
        draw_payne_frow(processes, elements)
    )
    chain = draw_value_chain(processes, processes)
    assert "customer\nprofitability" in texts(chain)
    idol = draw_idol(four(["Identification", "Differentiation", "Orchestration", "Learning"]))
    assert "new knowledge changes segments and treatments" in texts(idol)
