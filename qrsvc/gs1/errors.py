"""The one exception the GS1 modules raise for bad input."""


class DigitalLinkError(ValueError):
    """A GS1 identifier or Digital Link URI is malformed.

    The message names what is wrong in plain words, because the resolver
    shows it to whoever scanned the code (as a 400 page) and staff see it
    when a form rejects an identifier.
    """
