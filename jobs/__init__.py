"""Jobs: wire sources -> normalise -> checks -> outputs. No logic of their own."""
