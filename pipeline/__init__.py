"""SECOR records pipeline: office sheets and form responses -> dashboards and audit packs."""

__version__ = "0.1.0"
