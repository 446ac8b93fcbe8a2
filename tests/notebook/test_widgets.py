import ipywidgets as widgets

from crmlib.notebook.widgets import live


def test_static_fallback_draws_once_with_defaults():
    calls = []
    live(
        lambda share, horizon: calls.append((share, horizon)),
        interactive=False,
        share=widgets.FloatSlider(value=0.2),
        horizon=widgets.IntSlider(value=12),
    )
    assert calls == [(0.2, 12)]


def test_live_controls_redraw_on_change():
    calls = []
    share = widgets.FloatSlider(value=0.2, min=0.05, max=0.5, step=0.05)
    live(lambda share: calls.append(share), interactive=True, share=share)
    share.value = 0.3
    assert calls[-1] == 0.3
    assert "crm-control-share" in share._dom_classes
    assert share.continuous_update is False
