# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A small bar chart of consumption per period, drawn server-side as SVG (no plotting
library in the Odoo environment): the bill's PDF and the portal show the same picture, as
an ``<img src="data:image/svg+xml;base64,...">``."""
import base64
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 520, 170
TOP, BOTTOM, LEFT = 22, 34, 8
COLOURS = {"real": "#2e7d32", "estimated": "#a5d6a7", "current": "#1b5e20"}


def svg_bars(bars, unit="kWh", number=str):
    """SVG text of ``bars``: ``[(label, value, estimated, current)]`` (value in ``unit``,
    >= 0); ``number`` formats a value in the reader's language. Estimated bars are light,
    the current period dark."""
    count = max(len(bars), 1)
    slot = (WIDTH - 2 * LEFT) / count
    width = min(slot * 0.7, 46)
    top = max([value for _label, value, _est, _cur in bars] + [0]) or 1
    height = HEIGHT - TOP - BOTTOM
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
             'viewBox="0 0 %d %d" font-family="sans-serif" font-size="10">'
             % (WIDTH, HEIGHT, WIDTH, HEIGHT),
             '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888" stroke-width="1"/>'
             % (LEFT, HEIGHT - BOTTOM, WIDTH - LEFT, HEIGHT - BOTTOM)]
    for index, (label, value, estimated, current) in enumerate(bars):
        bar = max(value, 0) / top * height
        x = LEFT + index * slot + (slot - width) / 2
        y = HEIGHT - BOTTOM - bar
        colour = COLOURS["current" if current else "estimated" if estimated else "real"]
        centre = x + width / 2
        parts.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>'
                     % (x, y, width, bar, colour))
        parts.append('<text x="%.1f" y="%.1f" text-anchor="middle" fill="#333">%s</text>'
                     % (centre, y - 4, escape(number(value))))
        parts.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#333"%s>%s</text>'
                     % (centre, HEIGHT - BOTTOM + 14,
                        ' font-weight="bold"' if current else "", escape(label)))
    parts.append('<text x="%d" y="%d" fill="#666">%s</text>'
                 % (LEFT, HEIGHT - 6, escape(unit)))
    parts.append("</svg>")
    return "".join(parts)


def data_uri(svg):
    """``svg`` text as a ``data:`` URI for an ``<img>`` (wkhtmltopdf and browsers)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
