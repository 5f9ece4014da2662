"""One module per page: parse, call services, render."""
