"""Model files: saving, reading a visitor's upload within bounds, and the ready-made model."""
