"""Command groups of the CLI, one module per area, each with `register(app)`.

Only annotate/cli.py imports them.
"""
