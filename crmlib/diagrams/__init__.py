"""Model diagrams drawn by code, with the company's own figures on them.

Each function takes the figures to show and ``ax=None``, and returns the ``Axes``.
The shapes (boxes, chevrons, rings, cycle arrows) live in :mod:`crmlib.diagrams.shapes`.
"""

from crmlib.diagrams.models import (
    draw_idic,
    draw_idol,
    draw_payne_frow,
    draw_qci,
    draw_value_chain,
)

__all__ = ["draw_idic", "draw_idol", "draw_payne_frow", "draw_qci", "draw_value_chain"]
