"""Generation of personal competency logs (Word and Excel) from a roster."""
