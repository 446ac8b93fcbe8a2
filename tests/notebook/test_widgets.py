import queue
import types

import IPython
import ipywidgets as widgets
import pytest

from crmlib.errors import ParameterError
from crmlib.notebook.widgets import live, resolve_interactive


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


# --- interactive="auto": live controls only in a notebook server session -----------------


def fake_kernel_shell(allow_stdin: bool, metadata: dict | None):
    """An IPython shell whose kernel is running a cell sent with these settings."""
    request = {"content": {"code": "", "allow_stdin": allow_stdin}, "metadata": metadata or {}}
    kernel = types.SimpleNamespace(get_parent=lambda channel=None: request)
    return types.SimpleNamespace(kernel=kernel)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("True", True), ("false", False), (" FALSE ", False)],
)
def test_an_explicit_value_wins(monkeypatch, value, expected):
    # even in what looks like a JupyterLab session
    monkeypatch.setattr(IPython, "get_ipython", lambda: fake_kernel_shell(True, {"cellId": "c"}))
    assert resolve_interactive(value) is expected


@pytest.mark.parametrize("value", ["yes", "", "autom", 1, None])
def test_other_values_are_a_parameter_error_naming_the_choices(value):
    with pytest.raises(ParameterError, match=r"'interactive'.*Fix: use auto \(the default\)"):
        resolve_interactive(value)


def test_auto_outside_a_kernel_is_static():
    assert resolve_interactive("auto") is False  # pytest runs in plain Python


@pytest.mark.parametrize(
    ("allow_stdin", "metadata", "session_name", "expected"),
    [
        # JupyterLab / Notebook: allow_stdin, the cell's id, a server session
        (True, {"cellId": "4f1c"}, "notebooks/01_idic.ipynb", True),
        (True, {"cellId": "4f1c"}, None, True),
        (True, {}, "notebooks/01_idic.ipynb", True),
        # papermill, nbconvert, nbclient: no stdin, no cell id, even with an inherited
        # session name (papermill started from a notebook's cell)
        (False, {}, None, False),
        (False, {}, "notebooks/01_idic.ipynb", False),
        (False, {"cellId": "4f1c"}, "notebooks/01_idic.ipynb", False),
        # a console: stdin, but neither a cell nor a notebook session
        (True, {}, None, False),
    ],
)
def test_auto_reads_the_request_that_runs_the_cell(
    monkeypatch, allow_stdin, metadata, session_name, expected
):
    monkeypatch.setattr(IPython, "get_ipython", lambda: fake_kernel_shell(allow_stdin, metadata))
    if session_name is None:
        monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    else:
        monkeypatch.setenv("JPY_SESSION_NAME", session_name)
    assert resolve_interactive("auto") is expected


def test_auto_in_a_terminal_ipython_is_static(monkeypatch):
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace())
    assert resolve_interactive("auto") is False


def test_live_with_auto_outside_a_server_session_draws_once():
    calls = []
    live(
        lambda share: calls.append(share), interactive="auto", share=widgets.FloatSlider(value=0.4)
    )
    assert calls == [0.4]


@pytest.mark.slow
def test_auto_in_a_real_kernel_tells_jupyterlab_from_nbclient(monkeypatch):
    """A real ipykernel, sent the execute requests JupyterLab and nbclient send."""
    from jupyter_client.manager import start_new_kernel

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        code = "from crmlib.notebook.widgets import resolve_interactive; print(resolve_interactive('auto'))"

        def run(allow_stdin: bool, metadata: dict) -> str:
            content = {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": allow_stdin,
                "stop_on_error": True,
            }
            msg = kc.session.msg("execute_request", content, metadata=metadata)
            kc.shell_channel.send(msg)
            printed = []
            while True:
                try:
                    reply = kc.get_iopub_msg(timeout=60)
                except queue.Empty:
                    pytest.fail("the kernel did not answer within 60 s")
                if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                    continue
                if reply["msg_type"] == "stream":
                    printed.append(reply["content"]["text"])
                elif reply["msg_type"] == "error":
                    pytest.fail("\n".join(reply["content"]["traceback"]))
                elif (
                    reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle"
                ):
                    return "".join(printed).strip()

        # JupyterLab's request (@jupyterlab/services requestExecute): stdin, the cell's id
        assert run(True, {"cellId": "1a2b", "deletedCells": [], "recordTiming": False}) == "True"
        # nbclient's (papermill, nbconvert): kc.allow_stdin = False, no metadata
        assert run(False, {}) == "False"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
