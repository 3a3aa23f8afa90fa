from django.contrib.staticfiles import finders
from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse

from .models import Note

# Tests run without collectstatic, so there is no manifest of hashed names:
# serve static files under their plain names, as development does.
plain_static_files = override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)


@plain_static_files
class NoteListViewTests(TestCase):
    def test_lists_notes_newest_first(self):
        Note.objects.create(title="first")
        Note.objects.create(title="second", body="line one\nline two")

        response = self.client.get(reverse("notes:list"))

        self.assertEqual(response.status_code, 200)
        self.assertEqual([n.title for n in response.context["notes"]], ["second", "first"])
        self.assertContains(response, "line one<br>line two", html=False)

    def test_empty_list_points_to_the_admin(self):
        response = self.client.get("/")

        self.assertContains(response, "No notes yet")
        self.assertContains(response, reverse("admin:notes_note_add"))

    def test_page_links_its_stylesheet(self):
        response = self.client.get("/")

        self.assertContains(response, "notes/style.css")
        self.assertIsNotNone(finders.find("notes/style.css"))


@plain_static_files
class NoteAdminTests(TestCase):
    def test_note_is_registered_in_the_admin(self):
        from django.contrib.auth.models import User

        admin_user = User.objects.create_superuser("admin", "admin@example.com", "pw")
        self.client.force_login(admin_user)
        Note.objects.create(title="from the admin")

        response = self.client.get(reverse("admin:notes_note_changelist"))

        self.assertContains(response, "from the admin")
