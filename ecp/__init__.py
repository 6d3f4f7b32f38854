"""ECP: the books, invoices and production plan of an Entreprise Collective Partagée."""

__version__ = "0.1.0"
