"""Unit tests of the harness: fast, no whole-suite run, no server process (`make quick`)."""
