"""Month close (SPEC section 8): the checklist, the lock and the finance files."""
