"""Claims: registered sales and jobs, their review, fraud flags and export."""
