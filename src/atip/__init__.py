"""atip: the register, deadlines and letters of a Quebec access-to-information office."""
