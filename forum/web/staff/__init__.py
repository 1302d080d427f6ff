"""Centre staff pages: pending accounts (the full review queue comes with moderation)."""
