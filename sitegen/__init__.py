"""Stærke byer site generator: content/ in, a bilingual static site in output/."""
