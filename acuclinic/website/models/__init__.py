from .comments import Comment, ContentVersion, UsedProofOfWork
from .pages import (
    ArticleCategory,
    ArticleIndexPage,
    ArticlePage,
    ArticleTag,
    ContactPage,
    HomePage,
    PractitionerPage,
    ServiceIndexPage,
    ServicePage,
)

__all__ = [
    "ArticleCategory",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticleTag",
    "Comment",
    "ContactPage",
    "ContentVersion",
    "HomePage",
    "PractitionerPage",
    "ServiceIndexPage",
    "ServicePage",
    "UsedProofOfWork",
]
