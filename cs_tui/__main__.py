"""`python -m cs_tui`: the same as the `cs-tui` command."""

from cs_tui.cli import main

main()
