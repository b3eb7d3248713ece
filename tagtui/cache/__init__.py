"""A content-addressed cache of manifests and configs fetched by digest (issue 11 §3)."""
