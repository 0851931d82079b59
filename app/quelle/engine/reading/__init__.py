"""Files -> pages of text -> passages, in reader processes so a damaged file costs only itself."""
