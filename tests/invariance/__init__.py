"""The layout-invariance harness (issue 8): one guide content model, many
renderers modelled on how real portals publish, one expectation.

    RENDERERS           every renderer (each a Renderer with .name, .render(guide, rng))
    content.generate    seed -> Guide (the content model, with planted defects)
    expect              expected record and findings from the model; diffs

See README.md in this folder.
"""
from .render_documents import DOCUMENT_RENDERERS
from .render_frameworks import FRAMEWORK_RENDERERS
from .render_mobile import MOBILE_RENDERERS
from .render_widgets import WIDGET_RENDERERS

RENDERERS = [*FRAMEWORK_RENDERERS, *DOCUMENT_RENDERERS, *WIDGET_RENDERERS, *MOBILE_RENDERERS]
