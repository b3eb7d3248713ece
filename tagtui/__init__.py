"""tagtui: a keyboard-first terminal inspector for container image registries."""

__version__ = "0.1.0"
