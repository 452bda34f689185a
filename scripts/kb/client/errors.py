"""What the client refuses, each with one sentence that says why and what is accepted."""

from __future__ import annotations


class ClientError(Exception):
    """A request the knowledge base cannot answer as asked."""


class BundleError(ClientError):
    """The bundle cannot be trusted or read."""


class NotFound(ClientError):
    """No exported item (or section) has that id."""


class FactError(ClientError):
    """A fact's value is not one the tree accepts; the message names the fact and what it takes."""
