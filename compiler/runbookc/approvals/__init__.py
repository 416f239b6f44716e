"""Approvals bound to content: the digest and state (state), recording one as a text edit of
the front matter (record), and SSH signatures (signing)."""
