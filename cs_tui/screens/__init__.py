"""cs-tui."""
