"""Unit tests of the harness."""

pytest_plugins = ["pytester"]
