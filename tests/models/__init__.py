"""The models and their migrations."""
