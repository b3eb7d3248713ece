"""The Textual interface: the only package in tagtui that imports textual."""
