"""Default templates (TOML): health model, journey, playbooks."""
