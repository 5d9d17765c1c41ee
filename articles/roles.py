"""The newsroom's roles: Django groups with explicit permissions (SPEC "Roles").

| permission                                   | Writer | Editor | Staff |
| -------------------------------------------- | ------ | ------ | ----- |
| log in to the admin (user.is_staff)          |  yes   |  yes   |  yes  |
| articles: add, view, change own drafts       |  yes   |  yes   |  yes  |
| articles: change anyone's, any state         |        |  yes   |  yes  |
| articles.publish_article (publish, schedule, |        |  yes   |  yes  |
|   unpublish, feature, embargo, revert)       |        |        |       |
| articles: delete, recover deleted            |        |        |  yes  |
| byline rows (authors on an article)          |  yes   |  yes   |  yes  |
| corrections                                  |  view  |  yes   |  yes  |
| sections, tags, redirects                    |  view  |  yes   |  yes  |
| images: add, view / change                   |  yes   |  yes   |  yes  |
| authors                                      |  view  |  view  |  yes  |
| users, groups (roles), admin log             |        |        |  yes  |
| live entries (writers: on their own articles)|  yes   |  yes   |  yes  |
| live blogs, breaking-news banner             |  view  |  yes   |  yes  |

"view" on authors, sections and images is what the article form's autocompletes need.
Writers additionally see and edit only their own articles (created by them or with them in
the byline) while those are drafts or in review; ArticleAdmin enforces that per object.
"""

from django.apps import apps as global_apps

WRITER = "Writer"
EDITOR = "Editor"
STAFF = "Staff"

ALL = ("add", "change", "delete", "view")

_WRITER = {
    ("articles", "article"): ("add", "change", "view"),
    ("articles", "articleauthor"): ALL,
    ("articles", "correction"): ("view",),
    ("articles", "section"): ("view",),
    ("articles", "tag"): ("view",),
    ("articles", "author"): ("view",),
    ("articles", "image"): ("add", "view"),
    # Live coverage (live/): writers post to live blogs of their own articles (live/admin.py checks that).
    ("live", "liveblog"): ("view",),
    ("live", "entry"): ALL,
}

_EDITOR = {
    **_WRITER,
    ("articles", "article"): ("add", "change", "view", "publish"),
    ("articles", "correction"): ALL,
    ("articles", "section"): ALL,
    ("articles", "tag"): ALL,
    ("articles", "taggedarticle"): ALL,
    ("articles", "redirect"): ALL,
    ("articles", "image"): ("add", "change", "view"),
    ("live", "liveblog"): ALL,
    ("live", "banner"): ALL,
}

_STAFF = {
    **_EDITOR,
    ("articles", "article"): (*ALL, "publish"),
    ("articles", "author"): ALL,
    ("articles", "image"): ALL,
    ("auth", "user"): ALL,
    ("auth", "group"): ALL,
    ("admin", "logentry"): ("view",),
    ("jobs", "failedjob"): ("view", "delete"),
}

ROLES = {WRITER: _WRITER, EDITOR: _EDITOR, STAFF: _STAFF}

# Custom permissions: codename per (app, model, action) where Django's default naming doesn't apply.
_CUSTOM = {
    ("articles", "article", "publish"): ("publish_article", "Can publish, schedule, unpublish and feature articles")
}


def codename(app_label, model, action):
    custom = _CUSTOM.get((app_label, model, action))
    return custom[0] if custom else f"{action}_{model}"


def role_permissions(role):
    """`{"app_label.codename", …}` for a role: the documented matrix as Django permission names."""
    return {
        f"{app_label}.{codename(app_label, model, action)}"
        for (app_label, model), actions in ROLES[role].items()
        for action in actions
    }


def ensure_roles(apps=global_apps, using="default"):
    """Create or update the Writer, Editor and Staff groups so they hold exactly the matrix above.

    Safe to run any number of times. Works inside a migration (pass the historical `apps`):
    permissions are normally created after migrations, so any that are missing are created here.
    Staff also receives every other permission of the articles app (e.g. models added later).
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    def permission(app_label, model, action):
        content_type, _ = ContentType.objects.using(using).get_or_create(app_label=app_label, model=model)
        name = _CUSTOM.get((app_label, model, action), (None, None))[1]
        if name is None:
            try:
                verbose_name = apps.get_model(app_label, model)._meta.verbose_name
            except LookupError:
                verbose_name = model
            name = f"Can {action} {verbose_name}"
        perm, _ = Permission.objects.using(using).get_or_create(
            content_type=content_type,
            codename=codename(app_label, model, action),
            defaults={"name": str(name)[:255]},
        )
        return perm

    groups = {}
    for role, matrix in ROLES.items():
        perms = {
            permission(app_label, model, action)
            for (app_label, model), actions in matrix.items()
            for action in actions
        }
        if role == STAFF:
            perms |= set(Permission.objects.using(using).filter(content_type__app_label="articles"))
        group, _ = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(perms)
        groups[role] = group
    return groups
