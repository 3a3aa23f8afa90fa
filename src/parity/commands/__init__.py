"""One module per `parity` command: argument spec and printing only; the work lives elsewhere."""
