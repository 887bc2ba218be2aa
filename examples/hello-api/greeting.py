"""What the API and the command line share."""


def greet(name):
    """The name, tidied: surrounding blanks gone, empty means "world"."""
    return name.strip() or "world"
