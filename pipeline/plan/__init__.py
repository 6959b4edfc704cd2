"""The action plan: from findings to who does what, by when, where (see model.py)."""
