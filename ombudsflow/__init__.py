"""Ombudsflow application glue: settings, database, mail, command line."""
