"""Admin views: partner authorities, topics and people's roles."""
