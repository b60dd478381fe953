"""Controls as rules: one rule set evaluated on plans and packaged as a CrossGuard policy pack."""
