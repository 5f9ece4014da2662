"""Organizations: the businesses maitred keeps books for. Everything tenant-owned hangs here."""
