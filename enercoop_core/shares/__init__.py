"""See the package docstring of enercoop_core."""
