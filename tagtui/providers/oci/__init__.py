"""The OCI Distribution provider (``OciProvider`` lives in ``tagtui.providers.oci.provider``)."""
