"""Charts and diagrams write numbers through crmlib.formatting, never with a format spec.

A spec such as ``{share:.0%}`` or ``{amount:,.0f}`` writes English separators into a Dutch
chart ("12,615" reads as twelve in Belgium); the formatting functions follow the locale.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "crmlib"
FILES = sorted([*ROOT.joinpath("plots").glob("*.py"), *ROOT.joinpath("diagrams").glob("*.py")])
_DATE_CODES = ("%Y", "%m", "%d", "%b", "%B", "%y")


def _number_spec(spec: str) -> bool:
    if any(code in spec for code in _DATE_CODES):
        return False
    decimals = "." in spec and not spec.endswith(".0f")
    return "," in spec or "%" in spec or decimals


def _offences(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(
                part.value for part in node.format_spec.values if isinstance(part, ast.Constant)
            )
            if _number_spec(spec):
                found.append(f"{path.name}:{node.lineno} {{...:{spec}}}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for piece in node.value.split("{:")[1:]:
                if _number_spec(piece.split("}")[0]):
                    found.append(f"{path.name}:{node.lineno} {node.value!r}")
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_numbers_on_charts_follow_the_locale(path):
    assert not _offences(path), (
        "numbers formatted by hand: "
        + "; ".join(_offences(path))
        + ". Fix: use crmlib.formatting (percent, count, decimal, money) or crmlib.plots.style"
    )


def test_the_check_finds_a_hand_formatted_share(tmp_path):
    sample = tmp_path / "chart.py"
    sample.write_text('label = f"{share:.0%} of value"\nfmt = "{:,.0f}"\nday = f"{d:%Y-%m}"\n')
    assert len(_offences(sample)) == 2
