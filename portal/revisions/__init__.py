"""Data revisions: a counter per partner (and one for reference data) that moves whenever what the
partner sees changes. Pages key their rendered HTML on it (portal/web/pagecache.py)."""
