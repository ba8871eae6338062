"""What planned work tells the availability engine (filled in below)."""
