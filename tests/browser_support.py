"""Helpers of the browser tests (Playwright on Debian's Chromium)."""


def log_in(browser, live_server, username, next_path, violations=None):
    """A new browser context signed in as `username` (password `pw-<username>`), at `next_path`.

    `violations`, a list, collects the Content Security Policy reports of the console."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if violations is not None:
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(f"pw-{username}")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{next_path}")
    return context, page
