"""Chat rooms over plain HTTP: the room works without JavaScript; with it, it is live."""
