"""The price table the cost estimate reads: versioned, dated AWS list prices shipped with the package."""
