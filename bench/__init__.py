"""Benchmarks: each prints JSON lines {"name", "value", "unit"}; speeds are quoted against a baseline run alongside."""
