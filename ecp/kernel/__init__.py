"""The shared kernel: money, quantities and rates, dates and periods, errors, the chain head.

Every layer may import it; it imports nothing else of ECP."""
