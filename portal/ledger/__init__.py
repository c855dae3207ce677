"""The ledger: the only writer of balances. See portal/ledger/services.py for the design."""
