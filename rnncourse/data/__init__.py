"""Data for the course: synthetic tasks (need nothing) and loaders for real data that ships in packages."""
