"""Domain-free building blocks shared by every domain package; imports no domain."""
