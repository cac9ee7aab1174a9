"""The machinery of the annotated edition of "The Persian-Russian Connection"."""

__version__ = "0.1.0"
