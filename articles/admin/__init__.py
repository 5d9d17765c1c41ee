"""The editors' admin, one module per concern so each can grow on its own."""

from . import articles, images, people  # noqa: F401
