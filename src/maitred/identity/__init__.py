"""Users, their memberships in organizations, and roles (grown further by the identity issue)."""
