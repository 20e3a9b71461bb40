"""The commands on top of everything: `ombudsflow` (cli), the dev runner, simulate, import,
and the users command. Nothing below imports them (tests/test_layers.py)."""
