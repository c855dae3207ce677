"""Products and job types: what partners sell or install, with serial patterns."""
