from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.CharBlock):
    """A section heading (h2) with an anchor, so articles have linkable sections."""

    def get_context(self, value, parent_context=None):  # type: ignore[no-untyped-def]
        context = super().get_context(value, parent_context)
        context["anchor"] = slugify(value)
        return context

    class Meta:
        icon = "title"
        template = "website/blocks/heading.html"
        label = _("Heading")


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock(max_length=120)
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Paragraph"))
    image = ImageBlock(label=_("Image"), template="website/blocks/image.html")
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
