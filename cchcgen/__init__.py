"""cchcgen: publish the administrative-reform column of a Vietnamese locality's portal."""

__version__ = "0.1.0"
