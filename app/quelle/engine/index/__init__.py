"""What the library keeps: the catalogue with its keyword index, the vectors, and their checks."""
