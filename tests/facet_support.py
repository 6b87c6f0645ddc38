"""Reading the pages' shared facet sidebar (templates/portal/includes/facets.html) in tests."""
import re


def facet(html, name):
    """{label: (count, selected)} of one facet group of a page, "show more" values included."""
    section = re.search(rf'<section class="facet" aria-labelledby="facet-{name}">(.*?)</section>', html, re.S)
    if not section:
        return {}
    return {label: (int(count.replace(",", "")), checked == "true") for checked, label, count in re.findall(
        r'aria-checked="(true|false)">\s*<span class="facet-box" aria-hidden="true"></span>\s*'
        r'<span class="facet-label"[^>]*>([^<]*)</span>\s*<span class="facet-count">([\d,]+)</span>', section.group(1))}
