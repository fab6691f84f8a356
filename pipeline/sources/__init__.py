"""Sources: each turns its input into ``CodeFile`` records (no content yet) plus rejects."""
