"""django-parity: one multi-stage Dockerfile for a Django project's dev and prod."""

__version__ = "0.1.0"
