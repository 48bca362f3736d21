"""`python -m bench.run`: the figures the README's Performance section quotes."""

from __future__ import annotations

import logging

# What Streamlit logs when its caches and session state are used outside `streamlit run`
# (AppTest, bare calls): harmless there, and dozens of lines that bury the figures.
BARE_MODE_NOISE = (
    "missing ScriptRunContext",
    "Session state does not function when running a script without `streamlit run`",
)


class _DropBareModeNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(noise in message for noise in BARE_MODE_NOISE)


def quiet_streamlit() -> None:
    """Drop Streamlit's bare-mode warnings (and nothing else) from the bench's output."""
    # Importing creates Streamlit's loggers (each with its own handler) before they are used.
    import streamlit
    import streamlit.testing.v1  # noqa: F401

    noise = _DropBareModeNoise()
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logger = logging.getLogger(name)
            logger.addFilter(noise)
            for handler in logger.handlers:
                handler.addFilter(noise)
