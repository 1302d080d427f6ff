"""Landing page, latest threads, topics, authority spaces and tags."""
