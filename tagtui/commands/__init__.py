"""Command implementations behind ``tagtui ls``, ``inspect``, ``login`` and ``logout``."""
