"""File imports (CSV/XLSX): reading a table with a row cap, and long imports run off the loop with progress."""
