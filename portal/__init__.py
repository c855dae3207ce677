"""Premia: a gamified dealer loyalty and points-exchange portal."""
