"""`python -m annotate ...`: the same as the `annotate` command (e.g. `python -m annotate code`)."""

from annotate.cli import main

if __name__ == "__main__":
    main()
