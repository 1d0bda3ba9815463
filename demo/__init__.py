"""Demo and bulk data: fictional organisations, people and structures, real French towns."""
