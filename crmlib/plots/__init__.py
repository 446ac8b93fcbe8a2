"""Charts. Every function takes ``ax=None`` and returns the matplotlib ``Axes`` it drew on."""
