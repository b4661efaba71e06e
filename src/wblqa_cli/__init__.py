"""wblqa: quality assurance for centres delivering Pearson BTEC work-based learning."""

__version__ = "0.1.0"
