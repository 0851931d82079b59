"""What every process of Quelle shares: where files go, settings, errors, wording, logging."""
