"""The package version, in a module of its own: anything can read it without loading the app."""

__version__ = "0.1.0"
