"""UI text, one module per area; `sltcore.i18n` merges them into one catalog."""
