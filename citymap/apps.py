from django.apps import AppConfig


class CityMapConfig(AppConfig):
    name = "citymap"
    verbose_name = "City map"
