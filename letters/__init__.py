"""Letter templates (`<template>.html.j2`, one per letter) and their rendering."""

from letters.render import LetterError, RenderedLetter, render_letter, template_names

__all__ = ["LetterError", "RenderedLetter", "render_letter", "template_names"]
