"""Exchange routes, outside the translated pages: machine clients do not choose a language by URL."""
urlpatterns = []
