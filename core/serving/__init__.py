"""Serving many visitors from one process: the job queue, the fair CPU gate, the memory budget, the device."""
