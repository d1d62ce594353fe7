"""The scriptable subcommands of `cs-tui`, one module per area."""
