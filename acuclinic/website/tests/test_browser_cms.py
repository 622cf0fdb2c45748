import pytest
from acuclinic.website.models import ArticleIndexPage, ArticlePage

pytestmark = [pytest.mark.browser]


def test_explore(demo, live_server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(live_server.url + "/accounts/login/?next=/cms/")
    page.screenshot(path="/tmp/cmsx/login.png")
    open("/tmp/cmsx/login.html", "w").write(page.content())
    page.get_by_label("Login").fill("demo")
    page.get_by_label("Password").fill("acuclinic-demo")
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    print(page.url)
    index = ArticleIndexPage.objects.get()
    page.goto(live_server.url + f"/cms/pages/add/website/articlepage/{index.pk}/")
    page.screenshot(path="/tmp/cmsx/add.png", full_page=True)
    open("/tmp/cmsx/add.html", "w").write(page.content())
