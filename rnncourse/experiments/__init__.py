"""Small, fast experiments that the chapters run at build time (each well under a minute on 2 cores)."""
