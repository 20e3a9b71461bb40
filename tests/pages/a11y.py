"""Accessibility checks run in the browser on a rendered page, after the WCAG basics the
pages promise: language, one h1 and no skipped heading level, a label for every control, the
skip link first, and text contrast of at least 4.5:1 (3:1 for large text)."""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import Page

AUDIT = """
() => {
  const problems = [];
  if (document.documentElement.lang !== "en-GB") problems.push("html lang is not en-GB");
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")];
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  if (headings.length && headings[0].tagName !== "H1") problems.push("the first heading is not h1");
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading level skipped before "${h.textContent.trim()}"`);
    level = next;
  }
  for (const control of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const label = control.id && document.querySelector(`label[for="${control.id}"]`);
    if (!label || !label.textContent.trim()) problems.push(`no label for ${control.outerHTML.slice(0, 80)}`);
  }
  const first = document.querySelector("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]");
  if (!first || !first.classList.contains("skip-link")) problems.push("the skip link is not the first focusable element");
  if (!document.querySelector("main#main")) problems.push("no main#main for the skip link");

  const rgba = (s) => (s.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255, 1];
  };
  let checked = 0;
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg") || el.closest(".visually-hidden") || el.classList.contains("skip-link")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const ratio = ((a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05))(
      luminance(rgba(style.color)), luminance(background(el)));
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    checked += 1;
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)} < ${needed} for "${el.textContent.trim().slice(0, 40)}"`);
  }
  return {problems, checked};
}
"""


async def audit(page: Page) -> list[str]:
    """The problems found on the page as it is now (an empty list when it passes)."""
    result: dict[str, Any] = await page.evaluate(AUDIT)
    assert result["checked"] > 0, "no text was checked for contrast"
    problems: list[str] = result["problems"]
    return problems


def _axe_source() -> str:
    """axe-core's script, as the axe-playwright-python wheel ships it (nothing downloaded)."""
    from importlib.resources import files

    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


async def axe(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2 A/AA violations of these impacts on the page as it is now: each as
    "rule: help (n nodes: first target)"; an empty list when it passes."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(_axe_source())
    try:  # axe runs on the page's timers: in a context with JavaScript off it never finishes
        async with asyncio.timeout(60):
            result: dict[str, Any] = await page.evaluate(
                """() => axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                                            resultTypes: ["violations"]})"""
            )
    except TimeoutError:
        raise AssertionError(f"axe-core did not finish on {page.url}: is JavaScript off in this context?") from None
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
        for v in result["violations"] if v.get("impact") in impacts
    ]


async def check_page(page: Page) -> None:
    """The project's own checks and axe-core's, together: both must find nothing."""
    own = await audit(page)
    assert own == [], (page.url, own)
    found = await axe(page)
    assert found == [], (page.url, found)
