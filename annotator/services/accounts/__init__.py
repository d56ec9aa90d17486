"""Accounts: users and personal API tokens."""
