"""``python -m sglogs`` runs the command line."""

from .cli import main

main()
