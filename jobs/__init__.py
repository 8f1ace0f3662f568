"""The daemon's scheduled units of work, and the registry that hands them to APScheduler."""
