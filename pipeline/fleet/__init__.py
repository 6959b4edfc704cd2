"""Many companies from one installation: a consultant's fleet of client companies (see docs/fleet.md)."""
