"""Screens: the main three-pane screen and the modals (delete, login, help)."""
