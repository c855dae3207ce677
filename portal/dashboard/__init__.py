"""The home page of each role: what needs attention now."""
