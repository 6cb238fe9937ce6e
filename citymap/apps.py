from django.apps import AppConfig


class CityMapConfig(AppConfig):
    name = "citymap"
    verbose_name = "City map"

    def ready(self) -> None:
        from appeals.rules.object_keys import ObjectKeys, register_object_keys
        from appeals.rules.routing import register_object_router
        from citymap.links import hooks

        # An appeal about a map object goes to the object's service; its objectKey is a reference.
        register_object_keys(ObjectKeys(look_up=hooks.look_up_object_key, link=hooks.link_by_key))
        register_object_router(hooks.route_by_object)
