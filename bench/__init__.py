"""Benchmarks, run as scripts by `make bench` (a package only so that import contracts can name it)."""
