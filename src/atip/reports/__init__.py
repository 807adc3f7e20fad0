"""Reports: what is due and late, the annual statistics and their PDF, ICS, publication."""
