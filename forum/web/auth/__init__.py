"""Registration, verification, sign-in, sign-out and password reset."""
