"""A progress bar on stderr for work that takes minutes, or none at all."""

from __future__ import annotations

import contextlib


def step_bar(total: int, desc: str, shown: bool):
    """A tqdm bar of ``total`` steps when ``shown``, else an object that shows nothing.

    Without a bar no tqdm is made at all: its first instance makes a process lock (a
    semaphore), which a batch worker stopped by Ctrl-C would leave behind, warned of
    after the batch's last line.
    """
    if not shown:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="step")


class _NoBar(contextlib.AbstractContextManager):
    """What the callers ask of a progress bar (a count, a description), showing nothing."""

    n = 0

    def __exit__(self, *exc_info) -> None:
        return None

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_description(self, text: str) -> None:
        pass
