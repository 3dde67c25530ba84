"""See ARCHITECTURE.md; models arrive with their issue."""
