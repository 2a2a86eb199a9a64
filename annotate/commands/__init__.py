"""Command groups of the CLI, one module per area; each has `register(app)`. Only cli.py imports them."""
