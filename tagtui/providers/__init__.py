"""Providers: one per kind of registry, all behind ``tagtui.providers.base.Provider``."""
