"""Urban resilience index of Chinese cities: the computation behind the Snakemake workflow."""

__version__ = "0.1.0"
