"""A member's own profile and password, and public profile pages."""
