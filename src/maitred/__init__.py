"""maitred: the booking and CRM server that keeps the book for hospitality businesses."""

__version__ = "0.1.0"
