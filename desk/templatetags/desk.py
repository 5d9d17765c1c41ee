from django import template

from articles.services import can_publish, state_label

from .. import dashboard

register = template.Library()


@register.inclusion_tag("admin/desk/dashboard.html", takes_context=True)
def desk_dashboard(context):
    request = context["request"]
    user = request.user
    panels = dashboard.panels(user)
    for panel in panels:
        panel["rows"] = [{"article": article, "state": state_label(article)} for article in panel["articles"]]
    editor = can_publish(user)
    return {
        "panels": panels,
        "corrections": dashboard.corrections_today() if editor else None,
        "can_add": user.has_perm("articles.add_article"),
        "user": user,
    }
