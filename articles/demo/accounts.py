"""Demo logins for a local demo: writer, editor and staff, with passwords printed on purpose.

Only ever created with DEBUG on (the command refuses otherwise): a known password is fine on a
laptop and never acceptable anywhere else.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ..models import Author
from . import world
from .seeder import author_slug, get_or_create_author


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    author: str  # the byline this login writes under; "" for none


ACCOUNTS = [
    DemoAccount("writer", "writer-demo-2026", "Writer", world.WRITER_AUTHOR),
    DemoAccount("editor", "editor-demo-2026", "Editor", world.EDITOR_AUTHOR),
    DemoAccount("staff", "staff-demo-2026", "Staff", ""),
]


def ensure_roles():
    """Let articles.roles make the Writer, Editor and Staff groups, when that module is there."""
    try:
        from articles import roles
    except ImportError:
        return False
    ensure = getattr(roles, "ensure_roles", None)
    if callable(ensure):
        ensure()
        return True
    return False


@transaction.atomic
def ensure_accounts():
    """Create or reset the demo logins; returns [(DemoAccount, group found?, linked Author or None)]."""
    ensure_roles()
    User = get_user_model()
    results = []
    for account in ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.email = f"{account.username}@{world.SITE_EMAIL_DOMAIN}"
        user.first_name = account.role
        user.last_name = "(demo)"
        user.is_active = True
        user.is_staff = True
        user.is_superuser = False
        user.set_password(account.password)
        user.save()
        group = Group.objects.filter(name=account.role).first()
        if group:
            user.groups.add(group)
        author = link_author(user, account.author) if account.author else None
        results.append((account, group is not None, author))
    return results


def link_author(user, name):
    """Make `user` the login of the demo author `name` (creating the author if the demo has not been seeded)."""
    author = Author.objects.filter(user=user).first()
    if author:
        return author
    author = Author.objects.filter(slug=author_slug(name)).first()
    if author is None:
        record = next(record for record in world.AUTHORS if record[0] == name)
        author, _ = get_or_create_author(name, record[1], record[2], record[4])
    if author.user_id is None:
        Author.objects.filter(pk=author.pk).update(user=user)
        author.user = user
        return author
    return None  # someone else already logs in as this author; leave it alone
