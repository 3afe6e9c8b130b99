"""Error pages and the health check."""

from qrsvc.errors.health import bp as health_bp

__all__ = ["health_bp"]
