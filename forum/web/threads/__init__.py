"""Threads and posts: start, read, reply, quote, edit, delete, helpful, accept."""
