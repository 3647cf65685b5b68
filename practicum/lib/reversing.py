"""`reverse`, remembered. Every page builds the same few dozen links (the menu, the footer, a
sidebar, one per row of a list) and Django's `reverse` costs ~40 µs each: a tenth of a small
page's time. A link depends only on its route name and arguments, the URL conf and the script
prefix, all of which are part of the key; the URL conf does not change while a process runs.

`url_tag` replaces the `{% url %}` builtin for every template (settings.TEMPLATES "builtins"),
with the same output and the same errors.
"""

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

# Plain ints and strings only (a template's literals are SafeStrings): 1 and True are equal keys
# but different links, and a model instance or a lazy string may read differently next time.
_PLAIN = (int, str, SafeString)


@lru_cache(maxsize=4096)
def _remembered(view_name, args, kwargs, current_app, urlconf, prefix) -> str:
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def cached_reverse(view_name, args=None, kwargs=None, current_app=None) -> str:
    """`reverse(view_name, args=..., kwargs=..., current_app=...)`, remembered per process when
    the arguments are plain ints and strings (otherwise simply reversed)."""
    args = tuple(args or ())
    kwargs = kwargs or {}
    if not (
        type(view_name) in _PLAIN
        and all(type(a) in _PLAIN for a in args)
        and all(type(v) in _PLAIN for v in kwargs.values())
    ):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    return _remembered(
        view_name,
        args,
        tuple(sorted(kwargs.items())),
        current_app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )


@receiver(setting_changed, dispatch_uid="reversing_forget")
def _forget(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _remembered.cache_clear()


class CachedURLNode(defaulttags.URLNode):
    def render(self, context):
        # As URLNode.render, with cached_reverse in place of reverse.
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        if context.autoescape:
            url = conditional_escape(url)
        return url


@register.tag
def url(parser, token):
    """Django's `{% url %}` (same syntax, same output), remembered by `cached_reverse`."""
    node = defaulttags.url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
