"""Benchmarks: Ombudsflow against bare Temporal on the same server, in the same run.

Each module is one command (`python -m bench.<name>`) that prints its figures and writes
them to bench/results/<name>.json. Not part of the test suite; everything talks to
127.0.0.1 only. See README.md, "Benchmarks".
"""
