from django.apps import AppConfig


class DestructionConfig(AppConfig):
    name = "destruction"
