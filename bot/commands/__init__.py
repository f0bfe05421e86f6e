"""`roleplay` subcommands, one module per group of commands."""
