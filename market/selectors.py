from .models import CooperativePage, NewsPage


def news_latest(*, limit: int = 3):
    return list(NewsPage.objects.live().public().order_by("-date", "-pk")[:limit])


def cooperative_page_list(*, parent=None):
    pages = CooperativePage.objects.live().public().select_related("cooperative__partner").order_by("title")
    if parent is not None:
        pages = pages.child_of(parent)
    return list(pages)
