"""The prize catalogue: prizes, variants, stock, carts and orders. Points move only through portal.ledger."""
