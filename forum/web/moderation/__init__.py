"""Moderation views: reports, the review queue, actions on content and people, the audit log."""
