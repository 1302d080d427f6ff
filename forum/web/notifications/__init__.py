"""Watching, notification settings, opening a notification, and one-click unsubscribe."""
