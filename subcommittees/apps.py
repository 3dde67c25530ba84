from django.apps import AppConfig


class SubcommitteesConfig(AppConfig):
    name = "subcommittees"
