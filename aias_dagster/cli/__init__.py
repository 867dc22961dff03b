"""The `aias` command: its parser and commands (main), the demo, the run launcher, the summaries."""
