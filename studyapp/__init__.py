"""studyapp: a terminal study aid for pharmacology students."""

__version__ = "0.1.0"
