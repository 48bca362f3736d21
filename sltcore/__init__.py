"""The core of the Sanlitun volunteer desk: schema, validation, stores and domain services.

Importable and testable without a browser; only `sltcore.ui` imports streamlit.
"""

__version__ = "0.1.0"
